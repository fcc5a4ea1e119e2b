"""Courses: parse Markdown course folders, check them and score their quizzes, with no web framework."""

from courses.check import CheckResult
from courses.check import check_course
from courses.model import Course
from courses.parse import parse_course

__all__ = ["CheckResult", "Course", "check_course", "parse_course"]
