"""Solo practice: one person plays one role while the others follow a profile."""
