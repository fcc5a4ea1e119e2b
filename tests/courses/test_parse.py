"""The parser reads the fixture course into the model with the right kinds, texts and lines."""

from __future__ import annotations

from courses.model import CAUTIOUS
from courses.model import EXPERT
from courses.model import MULTIPLE
from courses.model import SINGLE
from courses.model import Practice
from courses.model import Question
from courses.model import Reflection
from courses.model import Text
from courses.parse import parse_course
from tests.courses.conftest import MINI
from tests.courses.conftest import broken_course
from tests.courses.conftest import line_of


def test_meta() -> None:
    course = parse_course(MINI).course
    assert course is not None
    meta = course.meta
    assert (meta.id, meta.title, meta.language, meta.minutes) == ("mini-kurs", "Minikurs", "nb", 30)
    assert (meta.validity_months, meta.pass_mark, meta.version) == (12, 80, "1.0.0")
    assert meta.goals == ("Kjenne nivåene", "Melde i tide", "Dele lovlig")
    assert meta.authors == ("Laget fagredaksjon",) and meta.license == "CC BY 4.0"
    assert meta.audience == ("skole", "helsestasjon")
    assert course.intro == "Velkommen til minikurset."


def test_lessons_in_file_order_with_blocks() -> None:
    course = parse_course(MINI).course
    assert course is not None
    assert [lesson.id for lesson in course.lessons] == ["start", "midt", "ov", "slutt"]
    start = course.lessons[0]
    assert [type(b) for b in start.blocks] == [Text, Question, Reflection]
    text = start.blocks[0]
    assert isinstance(text, Text) and "### Mellomtittel" in text.markdown and text.line == 7


def test_question_fields() -> None:
    course = parse_course(MINI).course
    assert course is not None
    q = course.lessons[0].questions[0]
    assert (q.id, q.kind, q.prompt) == ("q-start", SINGLE, "Du er kontaktlærer. Hva gjør du først?")
    assert q.line == line_of(MINI / "01-start.md", "## Spørsmål")
    assert [(o.id, o.label, o.correct) for o in q.options] == [
        ("a", "Venter", False),
        ("b", "Snakker med eleven", True),
    ]
    assert q.options[0].feedback == "Å vente hjelper ikke."
    assert q.explanation == "Barnets stemme kommer først."
    multi = course.lessons[1].questions[0]
    assert multi.kind == MULTIPLE and multi.correct_ids == {"a", "b"}
    assert multi.explanation == "Anonym drøfting er lov."


def test_practice_and_reflection() -> None:
    course = parse_course(MINI).course
    assert course is not None
    (practice,) = course.practices
    assert isinstance(practice, Practice)
    assert (practice.id, practice.title, practice.scenario_id, practice.role_id, practice.profile) == (
        "ov-helse",
        "Fravær og hodepine",
        "fravaer-og-hodepine",
        "helsesykepleier",
        EXPERT,
    )
    assert practice.text == "Spill helsesykepleieren."
    reflection = course.lessons[0].blocks[2]
    assert isinstance(reflection, Reflection) and reflection.prompt.startswith("Tenk på")


def test_cautious_profile(tmp_path) -> None:
    folder = broken_course(tmp_path, [("03-ov.md", "- Profil: ekspert", "- Profil: Forsiktig")])
    course = parse_course(folder).course
    assert course is not None and course.practices[0].profile == CAUTIOUS


def test_final_quiz_and_counts() -> None:
    course = parse_course(MINI).course
    assert course is not None and course.final_quiz is not None
    assert course.final_quiz.title == "Avsluttende prøve"
    assert len(course.final_quiz.questions) == 10
    assert len(course.questions) == 12


def test_files_listed_in_order() -> None:
    result = parse_course(MINI)
    names = [p.rsplit("/", 1)[-1] for p in result.files]
    assert names == ["course.md", "01-start.md", "02-midt.md", "03-ov.md", "04-slutt.md", "prove.md"]
