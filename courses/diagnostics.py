"""The course diagnostic catalogue: stable CO codes with messages and hints in bokmål and English."""

from __future__ import annotations

from scenarios.diagnostics import ERROR
from scenarios.diagnostics import WARNING
from scenarios.diagnostics import Code
from scenarios.diagnostics import Diagnostic
from scenarios.diagnostics import render

_CODES = [
    Code(
        "CO001",
        "missing-metadata",
        ERROR,
        "Toppteksten mangler «{key}».",
        "The front matter lacks '{key}'.",
        "Legg til `{key}: …` mellom `---`-linjene øverst i fila.",
        "Add `{key}: …` between the `---` lines at the top of the file.",
    ),
    Code(
        "CO002",
        "invalid-metadata",
        ERROR,
        "Ugyldig verdi for «{key}»: {problem}.",
        "Invalid value for '{key}': {problem}.",
        "Rett verdien i toppteksten; se docs/course-format.md.",
        "Fix the value in the front matter; see docs/course-format.md.",
    ),
    Code(
        "CO003",
        "lesson-count",
        ERROR,
        "Kurset har {count} leksjoner, men skal ha 4 til 8.",
        "The course has {count} lessons but must have 4 to 8.",
        "Leksjoner er filer som `01-navn.md`, `02-navn.md` i kursmappa.",
        "Lessons are files such as `01-name.md`, `02-name.md` in the course folder.",
    ),
    Code(
        "CO004",
        "duplicate-id",
        ERROR,
        "Id-en «{id}» er brukt før ({first}).",
        "The id '{id}' is already used ({first}).",
        "Gi hver leksjon, hvert spørsmål og hvert svaralternativ en egen id.",
        "Give each lesson, question and option its own id.",
    ),
    Code(
        "CO005",
        "too-few-options",
        ERROR,
        "Spørsmålet «{id}» har {count} svaralternativ, men trenger minst 2.",
        "Question '{id}' has {count} options but needs at least 2.",
        "Skriv alternativene som en punktliste: `- Svar {{#a}}`.",
        "Write the options as a bullet list: `- Answer {{#a}}`.",
    ),
    Code(
        "CO006",
        "single-not-one-correct",
        ERROR,
        "Enkeltvalgspørsmålet «{id}» har {count} riktige svar, men skal ha nøyaktig ett.",
        "Single-choice question '{id}' has {count} correct options but needs exactly one.",
        "Merk ett alternativ med `{{#x .riktig}}`, eller merk overskriften `{{.flervalg}}`.",
        "Mark one option with `{{#x .riktig}}`, or mark the heading `{{.flervalg}}`.",
    ),
    Code(
        "CO007",
        "multiple-no-correct",
        ERROR,
        "Flervalgspørsmålet «{id}» har ingen riktige svar.",
        "Multiple-choice question '{id}' has no correct option.",
        "Merk de riktige alternativene med `.riktig`, for eksempel `{{#a .riktig}}`.",
        "Mark the correct options with `.riktig`, e.g. `{{#a .riktig}}`.",
    ),
    Code(
        "CO008",
        "missing-explanation",
        ERROR,
        "Spørsmålet «{id}» har ingen forklaring.",
        "Question '{id}' has no explanation.",
        "Skriv et avsnitt etter alternativene, for eksempel `Forklaring: …`.",
        "Write a paragraph after the options, e.g. `Forklaring: …`.",
    ),
    Code(
        "CO009",
        "option-without-feedback",
        WARNING,
        "Alternativet «{option}» i spørsmålet «{id}» har ingen tilbakemelding.",
        "Option '{option}' in question '{id}' has no feedback.",
        "Legg til `  - Tilbakemelding: …` under alternativet.",
        "Add `  - Tilbakemelding: …` under the option.",
    ),
    Code(
        "CO010",
        "final-quiz",
        ERROR,
        "Den avsluttende prøven {problem}.",
        "The final quiz {problem}.",
        "Lag `prove.md` med minst 10 spørsmål (`## Spørsmål {{#p1}}`).",
        "Create `prove.md` with at least 10 questions (`## Spørsmål {{#p1}}`).",
    ),
    Code(
        "CO011",
        "unknown-scenario",
        ERROR,
        "Øvelsen peker til scenariet «{scenario}», som ikke finnes.",
        "The practice points to scenario '{scenario}', which does not exist.",
        "Kjente scenarier: {known}.",
        "Known scenarios: {known}.",
    ),
    Code(
        "CO012",
        "unknown-role",
        ERROR,
        "Scenariet «{scenario}» har ingen rolle «{role}».",
        "Scenario '{scenario}' has no role '{role}'.",
        "Rollene i scenariet er: {known}.",
        "The scenario's roles are: {known}.",
    ),
    Code(
        "CO013",
        "no-practice",
        ERROR,
        "Kurset har ingen øvelse (`## Øv:`-blokk).",
        "The course has no practice (`## Øv:` block).",
        "Legg til `## Øv: Tittel {{#ov-id}}` med `- Scenario:` og `- Rolle:` i en leksjon.",
        "Add `## Øv: Title {{#ov-id}}` with `- Scenario:` and `- Rolle:` to a lesson.",
    ),
    Code(
        "CO014",
        "unknown-block",
        ERROR,
        "Ukjent blokk «{text}».",
        "Unknown block '{text}'.",
        "`##` brukes bare til {known}; bruk `###` for vanlige mellomtitler.",
        "`##` is only for {known}; use `###` for ordinary sub-headings.",
    ),
    Code(
        "CO015",
        "unknown-setting",
        ERROR,
        "Ukjent innstilling «{key}».",
        "Unknown setting '{key}'.",
        "Kjente innstillinger her: {known}.",
        "Known settings here: {known}.",
    ),
    Code(
        "CO016",
        "image-without-alt",
        ERROR,
        "Bildet «{src}» mangler alternativ tekst.",
        "The image '{src}' lacks alt text.",
        "Beskriv bildet mellom hakeparentesene: `![Hva bildet viser]({src})`.",
        "Describe the image between the brackets: `![What the image shows]({src})`.",
    ),
    Code(
        "CO017",
        "folder-id-mismatch",
        WARNING,
        "Mappa heter «{folder}», men id-en i toppteksten er «{id}».",
        "The folder is named '{folder}' but the front matter id is '{id}'.",
        "Gi mappa samme navn som id-en.",
        "Name the folder after the id.",
    ),
    Code(
        "CO018",
        "unreadable-file",
        ERROR,
        "Fila kan ikke leses: {problem}.",
        "The file cannot be read: {problem}.",
        "Lagre fila som UTF-8-tekst med topptekst mellom `---`-linjer øverst.",
        "Save the file as UTF-8 text with front matter between `---` lines at the top.",
    ),
    Code(
        "CO019",
        "broken-yaml",
        ERROR,
        "Toppteksten kan ikke leses: {problem}.",
        "The front matter cannot be read: {problem}.",
        "Sjekk innrykk, kolon og hakeparenteser i toppteksten.",
        "Check indentation, colons and brackets in the front matter.",
    ),
    Code(
        "CO020",
        "option-without-id",
        ERROR,
        "Et alternativ i spørsmålet «{id}» mangler id.",
        "An option in question '{id}' has no id.",
        "Skriv id-en bak alternativet: `- Svar {{#a}}`.",
        "Write the id after the option: `- Answer {{#a}}`.",
    ),
    Code(
        "CO021",
        "practice-incomplete",
        ERROR,
        "Øvelsen «{id}» mangler «{key}».",
        "Practice '{id}' lacks '{key}'.",
        "Legg til `- {key}: …` i lista under øvelsen.",
        "Add `- {key}: …` to the list under the practice.",
    ),
    Code(
        "CO022",
        "invalid-setting",
        ERROR,
        "Ugyldig verdi «{value}» for «{key}».",
        "Invalid value '{value}' for '{key}'.",
        "Bruk en av: {known}.",
        "Use one of: {known}.",
    ),
    Code(
        "CO023",
        "few-multiple-choice",
        WARNING,
        "Den avsluttende prøven har {count} flervalgspørsmål; anbefalt er minst 2.",
        "The final quiz has {count} multiple-choice questions; at least 2 are recommended.",
        "Merk minst to spørsmål med `{{.flervalg}}` og flere riktige svar.",
        "Mark at least two questions `{{.flervalg}}` with several correct options.",
    ),
    Code(
        "CO024",
        "missing-id",
        ERROR,
        "Blokken «{text}» mangler id.",
        "The block '{text}' has no id.",
        "Skriv en stabil id bak overskriften: `## Spørsmål {{#q-navn}}`.",
        "Write a stable id after the heading: `## Spørsmål {{#q-name}}`.",
    ),
    Code(
        "CO025",
        "key-is-longest",
        WARNING,
        "I {share} % av enkeltvalgspørsmålene ({count} av {total}) er det riktige svaret lengst.",
        "In {share} % of the single-choice questions ({count} of {total}) the right answer is longest.",
        "Høyst {limit} % bør ha det. Kort ned nøkkelen eller gjør et galt alternativ like presist.",
        "At most {limit} % should. Shorten the key or make a wrong option just as precise.",
    ),
    Code(
        "CO026",
        "key-position",
        WARNING,
        "Det riktige svaret står som alternativ {position} i {share} % av enkeltvalgspørsmålene.",
        "The right answer is option {position} in {share} % of the single-choice questions.",
        "Høyst {limit} % bør ha nøkkelen på samme plass. Flytt nøkkelen i noen av spørsmålene.",
        "At most {limit} % should have the key in the same place. Move the key in some questions.",
    ),
    Code(
        "CO027",
        "all-but-one-correct",
        WARNING,
        "I {share} % av flervalgspørsmålene ({count} av {total}) er alle alternativer unntatt ett riktige.",
        "In {share} % of the multiple-choice questions ({count} of {total}) every option but one is correct.",
        "Høyst {limit} % bør ha det, ellers lønner det seg å krysse av alt. Legg til et troverdig galt valg.",
        "At most {limit} % should, or ticking everything scores well. Add a plausible wrong option.",
    ),
    Code(
        "CO028",
        "key-is-shortest",
        WARNING,
        "I {share} % av enkeltvalgspørsmålene ({count} av {total}) er det riktige svaret kortest.",
        "In {share} % of the single-choice questions ({count} of {total}) the right answer is shortest.",
        "Høyst {limit} % bør ha det. Gjør et galt alternativ like kort og konkret som nøkkelen.",
        "At most {limit} % should. Make a wrong option as short and concrete as the key.",
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def make(code: str, line: int, *, lang: str = "nb", path: str = "", **params: object) -> Diagnostic:
    """Build a course diagnostic from the catalogue in the chosen language."""
    return render(CODES[code], line, lang=lang, path=path, **params)


class Reporter:
    """Gathers course diagnostics in one language; parse and check stages call `add` and never raise."""

    def __init__(self, lang: str = "nb") -> None:
        self.lang = lang
        self.items: list[Diagnostic] = []

    def add(self, code: str, path: str, line: int, **params: object) -> None:
        self.items.append(make(code, line, lang=self.lang, path=path, **params))

    def text(self, nb: str, en: str) -> str:
        """Pick the message variant for this reporter's language."""
        return en if self.lang == "en" else nb
