"""Logging in and out, accepting invitations, and the role check every other blueprint uses."""
