"""Observers (HSEEP's evaluators): they watch every role's screen read-only and take notes per scene."""
