"""Tables of the learning part of Laget."""
