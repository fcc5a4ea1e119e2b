"""SCORM 1.2 export: one checked course folder as a self-contained package that any LMS can run.

The package is one SCO: ``index.html`` shows the introduction, the lessons and the final quiz, and
``laget-scorm.js`` talks to the LMS (``cmi.core.lesson_status``, ``cmi.core.score.raw`` and
``cmi.suspend_data`` for resuming). Practice blocks cannot run outside Laget, so they become text
pointing there. The zip is deterministic: the same course gives the same bytes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import select_autoescape
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from courses.check import SCENARIO_LIBRARY
from courses.check import check_course
from courses.model import Course
from courses.model import block_kind
from scenarios.diagnostics import ERROR
from scenarios.diagnostics import Diagnostic
from scenarios.markup import UNUSED_BLOCK_RULES

FILES = Path(__file__).resolve().parent / "scorm_files"
LAUNCH = "index.html"
SCRIPT = "laget-scorm.js"
STYLE = "laget-scorm.css"
IMAGE_SUFFIXES = frozenset({".svg", ".png", ".jpg", ".jpeg"})
# Zip entries carry this date so that the same course always gives the same bytes.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    f"{CP} imscp_rootv1p1p2.xsd "
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    f"{ADLCP} adlcp_rootv1p2.xsd"
)


class ScormError(Exception):
    """The folder cannot be exported: it is not a course, or the course check found errors."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


# The words of the package itself, in the course's language (the package runs without Laget).
WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "contents": "Innhold",
        "intro": "Om kurset",
        "goals": "Etter kurset skal du kunne",
        "lesson_of": "Leksjon {n} av {total}",
        "question": "Spørsmål",
        "question_of": "Spørsmål {n} av {total}",
        "choose_one": "Velg ett svar",
        "choose_many": "Velg ett eller flere svar",
        "check": "Sjekk svaret",
        "choose_first": "Velg et svar først.",
        "right": "Riktig!",
        "partly": "Delvis riktig.",
        "wrong": "Ikke riktig.",
        "your_choice": "Ditt valg",
        "right_answer": "Riktig svar",
        "explanation": "Forklaring",
        "reflection": "Refleksjon",
        "reflection_note": "Tenk gjennom spørsmålet, gjerne sammen med en kollega. Svaret lagres ikke.",
        "practice": "Øv: {title}",
        "practice_note": "Denne øvelsen spilles i Laget, ikke her. Logg inn i Laget, åpne kurset «{course}» "
        "og start øvelsen «{title}».",
        "practice_role": "Du spiller rollen «{role}» i scenariet «{scenario}».",
        "open_laget": "Åpne kurset i Laget",
        "quiz": "Avsluttende prøve",
        "pass_note": "Du trenger minst {mark} % for å bestå. Flervalgsspørsmål gir delpoeng.",
        "submit": "Lever prøven",
        "missing": "Svar på alle spørsmålene før du leverer. Mangler svar: spørsmål {list}.",
        "passed": "Bestått: {score} % riktig.",
        "failed": "Ikke bestått: {score} % riktig. Du trenger {mark} %.",
        "retake": "Ta prøven på nytt",
        "previous": "Forrige",
        "next": "Neste",
        "no_lms": "Fant ikke læringsplattformen. Du kan lese kurset, men framdrift og resultat blir "
        "ikke lagret.",
        "resumed": "Velkommen tilbake. Du fortsetter der du slapp.",
    },
    "nn": {
        "contents": "Innhald",
        "intro": "Om kurset",
        "goals": "Etter kurset skal du kunne",
        "lesson_of": "Leksjon {n} av {total}",
        "question": "Spørsmål",
        "question_of": "Spørsmål {n} av {total}",
        "choose_one": "Vel eitt svar",
        "choose_many": "Vel eitt eller fleire svar",
        "check": "Sjekk svaret",
        "choose_first": "Vel eit svar først.",
        "right": "Rett!",
        "partly": "Delvis rett.",
        "wrong": "Ikkje rett.",
        "your_choice": "Valet ditt",
        "right_answer": "Rett svar",
        "explanation": "Forklaring",
        "reflection": "Refleksjon",
        "reflection_note": "Tenk gjennom spørsmålet, gjerne saman med ein kollega. Svaret blir ikkje lagra.",
        "practice": "Øv: {title}",
        "practice_note": "Denne øvinga blir spelt i Laget, ikkje her. Logg inn i Laget, opne kurset "
        "«{course}» og start øvinga «{title}».",
        "practice_role": "Du spelar rolla «{role}» i scenarioet «{scenario}».",
        "open_laget": "Opne kurset i Laget",
        "quiz": "Avsluttande prøve",
        "pass_note": "Du treng minst {mark} % for å bestå. Fleirvalsspørsmål gir delpoeng.",
        "submit": "Lever prøva",
        "missing": "Svar på alle spørsmåla før du leverer. Manglar svar: spørsmål {list}.",
        "passed": "Bestått: {score} % rett.",
        "failed": "Ikkje bestått: {score} % rett. Du treng {mark} %.",
        "retake": "Ta prøva på nytt",
        "previous": "Førre",
        "next": "Neste",
        "no_lms": "Fann ikkje læringsplattforma. Du kan lese kurset, men framdrift og resultat blir "
        "ikkje lagra.",
        "resumed": "Velkomen tilbake. Du held fram der du slapp.",
    },
    "en": {
        "contents": "Contents",
        "intro": "About the course",
        "goals": "After the course you will be able to",
        "lesson_of": "Lesson {n} of {total}",
        "question": "Question",
        "question_of": "Question {n} of {total}",
        "choose_one": "Choose one answer",
        "choose_many": "Choose one or more answers",
        "check": "Check the answer",
        "choose_first": "Choose an answer first.",
        "right": "Right!",
        "partly": "Partly right.",
        "wrong": "Not right.",
        "your_choice": "Your choice",
        "right_answer": "Right answer",
        "explanation": "Explanation",
        "reflection": "Reflection",
        "reflection_note": "Think the question through, ideally with a colleague. Your answer is not saved.",
        "practice": "Practice: {title}",
        "practice_note": "This practice is played in Laget, not here. Log in to Laget, open the course "
        "“{course}” and start the practice “{title}”.",
        "practice_role": "You play the role “{role}” in the scenario “{scenario}”.",
        "open_laget": "Open the course in Laget",
        "quiz": "Final quiz",
        "pass_note": "You need at least {mark} % to pass. Multiple-choice questions give partial credit.",
        "submit": "Hand in the quiz",
        "missing": "Answer every question before handing in. Not answered: question {list}.",
        "passed": "Passed: {score} % right.",
        "failed": "Not passed: {score} % right. You need {mark} %.",
        "retake": "Take the quiz again",
        "previous": "Previous",
        "next": "Next",
        "no_lms": "The learning platform was not found. You can read the course, but progress and "
        "results are not saved.",
        "resumed": "Welcome back. You continue where you left off.",
    },
}

# The words the script shows after the page has loaded.
SCRIPT_WORDS = (
    "right",
    "partly",
    "wrong",
    "choose_first",
    "missing",
    "passed",
    "failed",
    "no_lms",
    "resumed",
)

# `![alt](bilder/x.svg)`: the course's own images, which travel inside the package.
_IMAGE = re.compile(r"^bilder/[A-Za-z0-9._-]+$")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _validate_link(url: str) -> bool:
    """The app's link rule (absolute web and e-mail links only), plus the course's own images."""
    if _IMAGE.match(url.strip()):
        return True
    try:
        return urlsplit(url.strip()).scheme.lower() in _LINK_SCHEMES
    except ValueError:
        return False


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
) -> str:
    """Open author links in a new window without a referrer, so the SCO stays in the LMS frame."""
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    tokens[idx].attrSet("target", "_blank")
    return renderer.renderToken(tokens, idx, options, env)


@cache
def _parser() -> MarkdownIt:
    """The same safe parser as the app's renderer: no raw HTML, the same rules switched off."""
    md = MarkdownIt("js-default").disable(UNUSED_BLOCK_RULES)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    return md


def render_markdown(text: str) -> Markup:
    """Render author Markdown to safe HTML for the package."""
    return Markup(_parser().render(text or ""))


@cache
def _scenario_names() -> dict[str, tuple[str, dict[str, str]]]:
    """Each built-in scenario's title and role names, for the practice text."""
    from scenarios.parse import parse

    found: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted(SCENARIO_LIBRARY.glob("*.md")):
        scenario = parse(path.read_bytes(), str(path)).scenario
        if scenario is not None and scenario.meta.id:
            found[scenario.meta.id] = (scenario.meta.title, {r.id: r.name for r in scenario.meta.roles})
    return found


def _practice_names(course: Course) -> dict[str, tuple[str, str]]:
    """Each practice block's scenario title and role name in words, falling back to their ids."""
    names = {}
    for practice in course.practices:
        title, roles = _scenario_names().get(practice.scenario_id, (practice.scenario_id, {}))
        names[practice.id] = (title, roles.get(practice.role_id, practice.role_id))
    return names


@cache
def _environment() -> Environment:
    """The Jinja environment for the package page, escaping everything that is not marked safe."""
    env = Environment(
        loader=FileSystemLoader(str(FILES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = render_markdown
    env.globals["block_kind"] = block_kind
    return env


def _json_for_script(data: object) -> Markup:
    """JSON that is safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _runtime_data(course: Course, words: dict[str, str]) -> dict[str, object]:
    """What the script needs: the pass mark, each question's kind and right answers, and the words."""
    final = course.final_quiz.questions if course.final_quiz else ()
    return {
        "course": course.meta.id,
        "version": course.meta.version,
        "passMark": course.meta.pass_mark or 80,
        "quiz": [q.id for q in final],
        "questions": {
            q.id: {"kind": q.kind, "correct": sorted(q.correct_ids), "options": [o.id for o in q.options]}
            for q in course.questions
        },
        "words": {key: words[key] for key in SCRIPT_WORDS},
    }


def render_page(course: Course, laget_url: str | None = None) -> str:
    """The launch page: every screen of the course, with the quiz data for the script."""
    words = WORDS.get(course.meta.language, WORDS["nb"])
    return (
        _environment()
        .get_template("index.html")
        .render(
            course=course,
            meta=course.meta,
            practice_names=_practice_names(course),
            quiz=course.final_quiz,
            pass_mark=course.meta.pass_mark or 80,
            words=words,
            laget_url=laget_url,
            data=_json_for_script(_runtime_data(course, words)),
            script=SCRIPT,
            style=STYLE,
        )
    )


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, attrs: dict[str, str] | None = None, **more: str
) -> ET.Element:
    """Add a child element with optional text and attributes."""
    element = ET.SubElement(parent, tag, {**(attrs or {}), **more})
    if text is not None:
        element.text = text
    return element


def manifest(course: Course, files: Sequence[str]) -> bytes:
    """The SCORM 1.2 ``imsmanifest.xml``: one organization, one item, one SCO listing every file."""
    ET.register_namespace("", CP)
    ET.register_namespace("adlcp", ADLCP)
    ET.register_namespace("xsi", XSI)
    ident = f"laget-{course.meta.id}"
    root = ET.Element(
        f"{{{CP}}}manifest",
        {"identifier": ident, "version": course.meta.version, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION},
    )
    metadata = _sub(root, f"{{{CP}}}metadata")
    _sub(metadata, f"{{{CP}}}schema", "ADL SCORM")
    _sub(metadata, f"{{{CP}}}schemaversion", "1.2")
    organizations = _sub(root, f"{{{CP}}}organizations", default=f"{ident}-org")
    organization = _sub(organizations, f"{{{CP}}}organization", identifier=f"{ident}-org")
    _sub(organization, f"{{{CP}}}title", course.meta.title)
    item = _sub(
        organization,
        f"{{{CP}}}item",
        identifier=f"{ident}-item",
        identifierref=f"{ident}-sco",
        isvisible="true",
    )
    _sub(item, f"{{{CP}}}title", course.meta.title)
    _sub(item, f"{{{ADLCP}}}masteryscore", str(course.meta.pass_mark or 80))
    resources = _sub(root, f"{{{CP}}}resources")
    resource = _sub(
        resources,
        f"{{{CP}}}resource",
        attrs={
            "identifier": f"{ident}-sco",
            "type": "webcontent",
            f"{{{ADLCP}}}scormtype": "sco",
            "href": LAUNCH,
        },
    )
    for name in files:
        _sub(resource, f"{{{CP}}}file", href=name)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def package_files(course: Course, folder: Path, laget_url: str | None = None) -> dict[str, bytes]:
    """Every file of the package by its path in the zip, the manifest included."""
    files: dict[str, bytes] = {
        LAUNCH: render_page(course, laget_url).encode(),
        SCRIPT: (FILES / SCRIPT).read_bytes(),
        STYLE: (FILES / STYLE).read_bytes(),
    }
    images = folder / "bilder"
    if images.is_dir():
        for path in sorted(images.iterdir()):
            if (
                path.is_file()
                and path.suffix.lower() in IMAGE_SUFFIXES
                and _IMAGE.match(f"bilder/{path.name}")
            ):
                files[f"bilder/{path.name}"] = path.read_bytes()
    files["imsmanifest.xml"] = manifest(course, sorted(files))
    return files


def zip_files(files: dict[str, bytes]) -> bytes:
    """Zip the files in name order with fixed dates and permissions, so the bytes are reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def build_package(course: Course, folder: str | Path, laget_url: str | None = None) -> bytes:
    """The SCORM 1.2 zip of a course that has already been checked."""
    return zip_files(package_files(course, Path(folder), laget_url))


def export_course(folder: str | Path, laget_url: str | None = None, lang: str = "nb") -> bytes:
    """Check a course folder and build its package; ScormError if it is not a course or has errors."""
    path = Path(folder)
    if not (path / "course.md").is_file():
        message = (
            "is not a course folder (no course.md)"
            if lang == "en"
            else "er ikke en kursmappe (mangler course.md)"
        )
        raise ScormError(f"{folder} {message}")
    result = check_course(path, lang=lang)
    errors = [d for d in result.diagnostics if d.severity == ERROR]
    if errors or result.course is None:
        message = (
            "has errors; run `laget courses check`"
            if lang == "en"
            else "har feil; kjør `laget courses check`"
        )
        raise ScormError(f"{folder} {message}", errors)
    return build_package(result.course, path, laget_url)
