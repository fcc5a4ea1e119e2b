"""Participants playing their roles in a live drill."""
