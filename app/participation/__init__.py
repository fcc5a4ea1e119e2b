"""A participant's own drills: the list of drills they took part in, for an account or a guest's browser."""
