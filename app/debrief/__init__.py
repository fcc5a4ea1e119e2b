"""The debrief: scored drills for facilitators, projectors, participants, exports and cohorts."""
