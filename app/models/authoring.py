"""Tables of the authoring part of Laget."""
