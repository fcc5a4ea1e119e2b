"""Allow `python -m scoring score …` without the web app."""

from scoring.cli import scoring_group

scoring_group()
