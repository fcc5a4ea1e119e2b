"""SCORM 1.2 export: a valid manifest listing every file, a self-contained page, and reproducible bytes."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from courses.cli import courses
from courses.scorm import ScormError
from courses.scorm import export_course
from tests.courses.conftest import MINI
from tests.courses.conftest import broken_course

LIBRARY = Path(__file__).resolve().parents[2] / "courses" / "library"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def with_image(tmp_path: Path) -> Path:
    """The fixture course with the image its first lesson shows."""
    folder = broken_course(tmp_path, [])
    (folder / "bilder").mkdir()
    (folder / "bilder" / "diagram.svg").write_text(SVG, encoding="utf-8")
    return folder


class _References(HTMLParser):
    """Collect the local files a page loads (scripts, styles, images) and whether it loads anything remote."""

    def __init__(self) -> None:
        super().__init__()
        self.local: set[str] = set()
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        source = values.get("src") if tag in {"script", "img"} else None
        if tag == "link" and values.get("rel") == "stylesheet":
            source = values.get("href")
        if not source:
            return
        if re.match(r"^[a-z]+:|^//", source):
            self.remote.append(source)
        else:
            self.local.add(source)


def unpack(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize(
    "folder", sorted(p for p in LIBRARY.iterdir() if (p / "course.md").is_file()), ids=str
)
def test_every_library_course_exports_a_valid_scorm_12_package(folder: Path) -> None:
    files = unpack(export_course(folder))
    root = ET.fromstring(files["imsmanifest.xml"])
    assert root.tag == f"{CP}manifest"
    assert root.findtext(f"{CP}metadata/{CP}schema") == "ADL SCORM"
    assert root.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"

    organizations = root.find(f"{CP}organizations")
    organization = organizations.find(f"{CP}organization")
    assert organizations.get("default") == organization.get("identifier")
    assert organization.findtext(f"{CP}title")
    item = organization.find(f"{CP}item")
    assert item.findtext(f"{CP}title")

    resources = {r.get("identifier"): r for r in root.iter(f"{CP}resource")}
    resource = resources[item.get("identifierref")]
    assert resource.get(f"{ADLCP}scormtype") == "sco"
    assert resource.get("type") == "webcontent"
    launch = resource.get("href")
    assert launch in files

    listed = {f.get("href") for f in resource.iter(f"{CP}file")}
    assert listed == set(files) - {"imsmanifest.xml"}, "every file listed, and every listed file present"

    page = _References()
    page.feed(files[launch].decode())
    assert page.remote == [], "the package must run without network"
    assert page.local and page.local <= set(files)
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in ids), "identifiers are XML IDs"


def test_the_final_quiz_and_pass_mark_travel_in_the_package() -> None:
    files = unpack(export_course(MINI))
    root = ET.fromstring(files["imsmanifest.xml"])
    assert root.findtext(f".//{CP}item/{ADLCP}masteryscore") == "80"
    html = files["index.html"].decode()
    match = re.search(r'<script type="application/json" id="laget-data">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["passMark"] == 80
    assert len(data["quiz"]) == 10
    assert data["questions"]["q-start"] == {"kind": "single", "correct": ["b"], "options": ["a", "b"]}
    assert "Du trenger minst 80 % for å bestå." in html
    assert 'name="q-p1"' in html
    # The practice block points to Laget instead of trying to run there.
    assert "Denne øvelsen spilles i Laget" in html
    assert "Du spiller rollen «Helsesykepleier» i scenariet «Fravær og hodepine»." in html


def test_practice_links_to_laget_when_the_address_is_known() -> None:
    html = unpack(export_course(MINI, "https://laget.example/courses/mini-kurs"))["index.html"].decode()
    assert '<a href="https://laget.example/courses/mini-kurs" target="_blank"' in html


def test_the_same_course_gives_the_same_bytes(tmp_path: Path) -> None:
    folder = with_image(tmp_path)
    first = export_course(folder)
    assert export_course(folder) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    (folder / "01-start.md").write_text(
        (folder / "01-start.md").read_text(encoding="utf-8").replace("Start", "Begynnelse", 1),
        encoding="utf-8",
    )
    assert export_course(folder) != first


def test_course_images_are_bundled_and_listed(tmp_path: Path) -> None:
    files = unpack(export_course(with_image(tmp_path)))
    assert files["bilder/diagram.svg"].decode() == SVG
    assert '<img src="bilder/diagram.svg" alt="Et enkelt diagram">' in files["index.html"].decode()
    root = ET.fromstring(files["imsmanifest.xml"])
    assert "bilder/diagram.svg" in {f.get("href") for f in root.iter(f"{CP}file")}


def test_authored_html_and_script_links_stay_inert(tmp_path: Path) -> None:
    folder = broken_course(
        tmp_path,
        [
            (
                "01-start.md",
                "Innledende tekst",
                "<script>alert(1)</script> [klikk](javascript:alert(1)) [kilde](https://lovdata.no) "
                "Innledende tekst",
            )
        ],
    )
    html = unpack(export_course(folder))["index.html"].decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://lovdata.no" rel="noopener noreferrer nofollow" target="_blank">kilde</a>' in html


def test_a_folder_that_is_not_a_course_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScormError, match="er ikke en kursmappe"):
        export_course(tmp_path)


def test_a_course_with_check_errors_is_refused_with_its_diagnostics(tmp_path: Path) -> None:
    folder = broken_course(tmp_path, [("01-start.md", "{#b .riktig}", "{#b}")])
    with pytest.raises(ScormError) as raised:
        export_course(folder)
    assert "har feil" in str(raised.value)
    assert [d.code for d in raised.value.diagnostics] == ["CO006"]


def test_cli_writes_the_package(tmp_path: Path) -> None:
    target = tmp_path / "mini.zip"
    result = CliRunner().invoke(courses, ["export-scorm", str(MINI), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == export_course(MINI)
    assert "mini.zip" in result.output


def test_cli_exits_1_with_the_errors_and_writes_nothing(tmp_path: Path) -> None:
    folder = broken_course(tmp_path, [("01-start.md", "{#b .riktig}", "{#b}")])
    target = tmp_path / "out.zip"
    result = CliRunner().invoke(courses, ["export-scorm", str(folder), "-o", str(target)])
    assert result.exit_code == 1
    assert "CO006" in result.output
    assert "har feil; kjør `laget courses check`" in result.output
    assert not target.exists()
    result = CliRunner().invoke(courses, ["export-scorm", str(tmp_path / "tom"), "-o", str(target)])
    assert result.exit_code == 1
    assert "er ikke en kursmappe" in result.output
    assert not target.exists()
