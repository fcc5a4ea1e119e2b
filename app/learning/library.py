"""The course library: course folders in ``COURSE_LIBRARY`` that check clean, parsed once per content hash.

Courses are read from files on every request, but only hashed: a folder is parsed and checked again
only when its bytes change, so an edited course is never served stale and an unchanged one costs a
few file reads. A course with check errors is left out and logged, like a broken scenario.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app

from courses.check import check_course
from courses.model import Course
from courses.model import Lesson
from scenarios.diagnostics import ERROR


@dataclass(frozen=True)
class LoadedCourse:
    """A checked course together with the hash of the exact files it was parsed from."""

    course: Course
    sha256: str

    @property
    def id(self) -> str:
        """The course id from `course.md`."""
        return self.course.meta.id

    @property
    def version(self) -> str:
        """The version recorded on progress, attempts and certificates: the author's version and the hash."""
        return f"{self.course.meta.version[:60]}+{self.sha256[:12]}"

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        """The lessons in order."""
        return self.course.lessons

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with ``lesson_id``, or None."""
        return next((lesson for lesson in self.course.lessons if lesson.id == lesson_id), None)

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson after ``lesson_id``, or None after the last one."""
        ids = [lesson.id for lesson in self.course.lessons]
        position = ids.index(lesson_id) + 1 if lesson_id in ids else len(ids)
        return self.course.lessons[position] if position < len(ids) else None

    @property
    def pass_mark(self) -> int:
        """The percentage needed to pass the final quiz (80 unless the course says otherwise)."""
        return self.course.meta.pass_mark or 80

    @property
    def validity_months(self) -> int:
        """How many months a completion is valid (12 unless the course says otherwise)."""
        return self.course.meta.validity_months or 12


def folder_hash(folder: Path) -> str:
    """Hash every file of a course folder, names included, so any edit gives a new hash."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=64)
def _checked(folder: str, sha256: str) -> LoadedCourse | None:
    """Parse and check a folder once per content hash; None when it has errors."""
    result = check_course(folder)
    if not result.ok or result.course is None:
        problems = [d.format() for d in result.diagnostics if d.severity == ERROR]
        current_app.logger.warning(
            "course not loaded", extra={"event": "course_skipped", "folder": folder, "problems": problems}
        )
        return None
    return LoadedCourse(result.course, sha256)


def load_courses(library: str | Path | None = None) -> dict[str, LoadedCourse]:
    """Every course in the library that checks clean, by course id, in folder order."""
    root = Path(library or current_app.config["COURSE_LIBRARY"])
    found: dict[str, LoadedCourse] = {}
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "course.md").is_file()):
        loaded = _checked(str(folder), folder_hash(folder))
        if loaded is not None and loaded.id not in found:
            found[loaded.id] = loaded
    return found


def image_path(course_id: str, name: str) -> Path | None:
    """The file of an image a course shows (``bilder/<name>``), or None if there is no such file."""
    loaded = load_courses().get(course_id)
    if loaded is None:
        return None
    folder = (Path(loaded.course.path).parent / "bilder").resolve()
    candidate = (folder / name).resolve()
    if folder not in candidate.parents or not candidate.is_file():
        return None
    return candidate
