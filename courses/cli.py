"""`laget courses …`: check course folders and show their outline from the command line."""

from __future__ import annotations

import json
import sys

import click

from courses.check import check_course
from courses.model import Course
from courses.model import Practice
from courses.scorm import ScormError
from courses.scorm import export_course
from scenarios.diagnostics import COURSE_WORDS
from scenarios.diagnostics import ERROR
from scenarios.diagnostics import check_summary


@click.group("courses")
def courses() -> None:
    """Work with course folders: check them and outline them."""


@courses.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the messages.")
def check_command(paths: tuple[str, ...], fmt: str, lang: str) -> None:
    """Check course folders and report every problem with its file and line; exit 1 on any error."""
    results = [check_course(p, lang=lang) for p in paths]
    errors = sum(1 for r in results for d in r.diagnostics if d.severity == ERROR)
    if fmt == "json":
        payload = {
            "files": [
                {"path": path, "diagnostics": [d.as_dict() for d in r.for_file(path)]}
                for r in results
                for path in r.files
            ]
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for folder, result in zip(paths, results, strict=True):
            for d in result.diagnostics:
                click.secho(d.format(), fg="red" if d.severity == ERROR else "yellow")
                click.echo(f"    {d.hint}")
            if not result.diagnostics:
                click.secho(f"{folder}: OK", fg="green")
        warnings = sum(len(r.diagnostics) for r in results) - errors
        click.echo(check_summary(len(results), errors, warnings, lang, COURSE_WORDS))
    sys.exit(1 if errors else 0)


def outline(course: Course) -> dict[str, object]:
    """A plain summary of a course for `show`: metadata, lessons with their blocks, and counts."""
    final = course.final_quiz.questions if course.final_quiz else ()
    return {
        "id": course.meta.id,
        "title": course.meta.title,
        "language": course.meta.language,
        "minutes": course.meta.minutes,
        "pass_mark": course.meta.pass_mark,
        "validity_months": course.meta.validity_months,
        "lessons": [
            {
                "id": lesson.id,
                "title": lesson.title,
                "minutes": lesson.minutes,
                "questions": [q.id for q in lesson.questions],
                "practices": [
                    {"id": b.id, "scenario": b.scenario_id, "role": b.role_id, "profile": b.profile}
                    for b in lesson.blocks
                    if isinstance(b, Practice)
                ],
            }
            for lesson in course.lessons
        ],
        "questions": len(course.questions),
        "final_questions": len(final),
    }


@courses.command("show")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb")
def show_command(path: str, fmt: str, lang: str) -> None:
    """Print an outline of a course: lessons, questions and practices."""
    result = check_course(path, lang=lang)
    if not result.ok or result.course is None:
        for d in result.diagnostics:
            if d.severity == ERROR:
                click.secho(d.format(), fg="red", err=True)
        message = (
            "has errors; run `laget courses check`"
            if lang == "en"
            else "har feil; kjør `laget courses check`"
        )
        raise click.ClickException(f"{path} {message}")
    data = outline(result.course)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.secho(f"{data['title']} ({data['id']}, {data['language']})", bold=True)
    for lesson in data["lessons"]:
        click.echo(f"  {lesson['id']}: {lesson['title']} ({len(lesson['questions'])} spørsmål)")
        for practice in lesson["practices"]:
            click.echo(f"    Øv: {practice['scenario']} som {practice['role']} ({practice['profile']})")
    click.echo(f"Spørsmål: {data['questions']}, i prøven: {data['final_questions']}")


@courses.command("export-scorm")
@click.argument("path", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The zip file to write.")
@click.option(
    "--laget-url", default=None, help="Address of the course in Laget, linked from practice blocks."
)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the messages.")
def export_scorm_command(path: str, output: str, laget_url: str | None, lang: str) -> None:
    """Export a course folder as a SCORM 1.2 package; exit 1 if it is not a course or has errors."""
    try:
        package = export_course(path, laget_url, lang)
    except ScormError as error:
        for d in error.diagnostics:
            click.secho(d.format(), fg="red", err=True)
        raise click.ClickException(str(error)) from None
    with open(output, "wb") as handle:
        handle.write(package)
    written = "written" if lang == "en" else "skrevet"
    click.echo(f"{output}: {written} ({len(package)} bytes)")


if __name__ == "__main__":
    courses()
