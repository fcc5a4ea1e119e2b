"""docs/content-review.md lists every legal claim in the library courses and scenarios, each at a line that
still says what the table quotes from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REVIEW = ROOT / "docs" / "content-review.md"
# A line cites the law when it has a section sign, a statute's abbreviation or a statute's name.
CITES_LAW = re.compile(r"§|\b(?:fvl|hpl|bvl|pbrl|strl|hol)\.|\b\w+(?:loven|lova|lovens|lovas)\b")
ROW = re.compile(
    r"^\| (?P<path>(?:courses|scenarios)/library/\S+):(?P<line>\d+) \| «(?P<quote>.+?)» \| (?P<rest>.+) \|$"
)


@dataclass(frozen=True)
class Row:
    path: str
    line: int
    quote: str
    claim: str
    source: str
    checked: str
    status: str


def parse_rows(text: str) -> list[Row]:
    """The rows of the table «Alle lovpåstander»."""
    rows = []
    for line in text.split("## Alle lovpåstander", 1)[1].splitlines():
        match = ROW.match(line)
        if match:
            claim, source, checked, status = (cell.strip() for cell in match["rest"].split(" | "))
            where = (match["path"], int(match["line"]))
            rows.append(Row(*where, match["quote"], claim, source, checked, status))
    return rows


def _squash(text: str) -> str:
    return " ".join(text.split())


def stale_rows(rows: list[Row], read) -> list[str]:
    """Rows whose file or line is gone, or whose quote does not start on the cited line (it may wrap)."""
    problems = []
    for row in rows:
        lines = read(row.path)
        if lines is None or not 1 <= row.line <= len(lines):
            problems.append(f"{row.path}:{row.line}: no such line")
            continue
        here = _squash(lines[row.line - 1])
        following = _squash(lines[row.line]) if row.line < len(lines) else ""
        at = f"{here} {following}".find(_squash(row.quote))
        if not 0 <= at < len(here):
            problems.append(f"{row.path}:{row.line}: «{row.quote}» is not on this line: {here[:90]}")
    return problems


def uncovered_lines(files: dict[str, list[str]], rows: list[Row]) -> list[str]:
    """Lines that cite the law but have no row."""
    listed = {(row.path, row.line) for row in rows}
    return [
        f"{path}:{number}: {text.strip()[:90]}"
        for path, lines in files.items()
        for number, text in enumerate(lines, 1)
        if CITES_LAW.search(text) and (path, number) not in listed
    ]


def _library_files() -> dict[str, list[str]]:
    paths = sorted((ROOT / "scenarios" / "library").glob("*.md")) + sorted(
        (ROOT / "courses" / "library").glob("**/*.md")
    )
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8").splitlines() for p in paths}


def _read(path: str) -> list[str] | None:
    file = ROOT / path
    return file.read_text(encoding="utf-8").splitlines() if file.is_file() else None


def test_every_row_quotes_the_line_it_cites() -> None:
    rows = parse_rows(REVIEW.read_text(encoding="utf-8"))
    assert len(rows) > 500
    problems = stale_rows(rows, _read)
    assert not problems, "\n".join(problems)


def test_every_line_in_the_library_that_cites_the_law_has_a_row() -> None:
    rows = parse_rows(REVIEW.read_text(encoding="utf-8"))
    missing = uncovered_lines(_library_files(), rows)
    assert not missing, "\n".join(missing)


def test_every_row_names_a_claim_a_source_a_date_and_a_status() -> None:
    rows = parse_rows(REVIEW.read_text(encoding="utf-8"))
    for row in rows:
        assert row.claim and row.source and row.status, row
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.checked), row
    covered = {row.path.split("/")[2] for row in rows}
    scenarios = {p.stem for p in (ROOT / "scenarios" / "library").glob("*.md")}
    assert {f"{name}.md" for name in scenarios} <= covered


def test_a_moved_claim_and_an_unlisted_citation_are_reported() -> None:
    text = (
        "## Alle lovpåstander\n\n| Fil:linje | Sitat fra linjen | Påstand | Kilde | Kontrollert | Status |\n"
        "|---|---|---|---|---|---|\n"
        "| courses/library/x/01.md:2 | «bvl. § 13-2 når det» | Opplysningsplikt | Kilde | 2026-12-04 | ok |\n"
        "| courses/library/x/01.md:4 | «hpl. § 33 går» | Opplysningsplikt | Kilde | 2026-12-04 | ok |\n"
    )
    rows = parse_rows(text)
    files = {
        "courses/library/x/01.md": [
            "# Leksjon",
            "Du melder etter bvl. § 13-2 når det er",
            "grunn til å tro.",
            "En ny linje skjøv resten ned.",
            "Plikten i hpl. § 33 går foran § 21.",
        ]
    }
    problems = stale_rows(rows, files.get)
    assert len(problems) == 1 and problems[0].startswith("courses/library/x/01.md:4:")
    assert uncovered_lines(files, rows) == ["courses/library/x/01.md:5: Plikten i hpl. § 33 går foran § 21."]
    # A quote may wrap onto the next line, but it must start on the cited one.
    wrapped = parse_rows(text.replace("«bvl. § 13-2 når det»", "«når det er grunn til»"))
    assert stale_rows(wrapped[:1], files.get) == []
