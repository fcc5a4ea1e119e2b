"""Allow `python -m courses check …` before the `laget` command is installed."""

from courses.cli import courses

courses()
