"""Tables of the solo part of Laget."""
