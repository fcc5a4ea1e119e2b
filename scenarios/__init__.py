"""The scenario language: parse Markdown scenarios, check them, play them and explore them.

Pure Python with no web framework, so the app, the scoring module and the command line share it.
"""

from scenarios.check import CheckResult
from scenarios.check import check
from scenarios.check import check_file
from scenarios.check import check_source
from scenarios.model import Scenario
from scenarios.parse import parse

__all__ = ["CheckResult", "Scenario", "check", "check_file", "check_source", "parse"]
