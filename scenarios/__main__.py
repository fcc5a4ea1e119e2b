"""Allow `python -m scenarios check …` before the `laget` command is installed."""

from scenarios.cli import scenarios

scenarios()
