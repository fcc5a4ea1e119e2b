"""Diagnostics: stable codes with plain-language messages and hints for authors, in bokmål or English."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    slug: str
    severity: str
    message_nb: str
    message_en: str
    hint_nb: str
    hint_en: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: str
    line: int
    message: str
    hint: str
    path: str = ""

    def format(self) -> str:
        """Render as `path:line: CODE message` like a compiler, so editors can jump to it."""
        where = f"{self.path}:{self.line}" if self.path else f"linje {self.line}"
        return f"{where}: {self.code} [{self.severity}] {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


_CODES = [
    Code(
        "SC001",
        "unknown-target",
        ERROR,
        "Overgangen peker til «{target}», men det finnes ingen scene eller slutt med den id-en.",
        "The transition points to '{target}', but no scene or ending has that id.",
        "Sjekk stavingen, eller legg til scenen med `# Scene: Tittel {{#{target}}}`.",
        "Check the spelling, or add the scene with `# Scene: Title {{#{target}}}`.",
    ),
    Code(
        "SC002",
        "unreachable-scene",
        ERROR,
        "Scenen «{id}» kan ikke nås fra startscenen.",
        "Scene '{id}' cannot be reached from the first scene.",
        "Lag en overgang til den fra en annen scene, eller fjern den.",
        "Add a transition to it from another scene, or remove it.",
    ),
    Code(
        "SC003",
        "dead-end",
        ERROR,
        "Scenen «{id}» er ingen slutt, men har ingen vei videre.",
        "Scene '{id}' is not an ending but has no way on.",
        "Legg til en `## Videre`-del med minst én overgang, for eksempel `- Ellers: [Neste](#neste)`.",
        "Add a `## Next` part with at least one transition, e.g. `- Otherwise: [Next](#next)`.",
    ),
    Code(
        "SC004",
        "cycle-without-exit",
        ERROR,
        "Scenene {ids} går i ring uten noen vei til en slutt.",
        "Scenes {ids} form a cycle with no way to an ending.",
        "Gi minst én av scenene en overgang som leder mot en slutt.",
        "Give at least one of the scenes a transition that leads towards an ending.",
    ),
    Code(
        "SC005",
        "role-without-choice",
        ERROR,
        "Rollen «{role}» er aktiv i scenen «{scene}», men har ingen valg.",
        "Role '{role}' is active in scene '{scene}' but has no choices.",
        "Gi rollen minst ett valg (også «Vente» er et valg), eller merk overskriften `{{.passiv}}`.",
        "Give the role at least one choice (waiting is a choice too), or mark the heading `{{.passive}}`.",
    ),
    Code(
        "SC006",
        "flag-never-set",
        ERROR,
        "«{name}» leses i en betingelse, men settes aldri av noe valg.",
        "'{name}' is read in a condition but never set by any choice.",
        "Sett den med `- Setter: {name}` under et valg, eller rett stavingen.",
        "Set it with `- Set: {name}` under a choice, or fix the spelling.",
    ),
    Code(
        "SC007",
        "unknown-role",
        ERROR,
        "Ukjent rolle «{role}».",
        "Unknown role '{role}'.",
        "Rollene er: {known}. Roller deklareres under `roles:` i toppteksten. Roller i en liste skilles "
        "med komma (ikke semikolon); et navn med komma i kan stå helt, eller skriv id-en.",
        "The roles are: {known}. Roles are declared under `roles:` in the front matter. Roles in a list are "
        "separated by commas (not semicolons); a name with a comma may be written whole, or use the id.",
    ),
    Code(
        "SC008",
        "unknown-info",
        ERROR,
        "Ukjent opplysning «{info}».",
        "Unknown information item '{info}'.",
        "Opplysninger deklareres under `# Opplysninger` med `## Tittel {{#id}}`. Kjente: {known}.",
        "Information items are declared under `# Information` with `## Title {{#id}}`. Known: {known}.",
    ),
    Code(
        "SC009",
        "unknown-dimension",
        ERROR,
        "Ukjent dimensjon «{name}» i vurderingen.",
        "Unknown dimension '{name}' in the assessment.",
        "Bruk en av: {known}.",
        "Use one of: {known}.",
    ),
    Code(
        "SC010",
        "duplicate-id",
        ERROR,
        "Id-en «{id}» er brukt før (linje {first}).",
        "The id '{id}' is already used (line {first}).",
        "Gi hvert element en egen id med `{{#ny-id}}`.",
        "Give each element its own id with `{{#new-id}}`.",
    ),
    Code(
        "SC011",
        "missing-metadata",
        ERROR,
        "Toppteksten mangler «{key}».",
        "The front matter lacks '{key}'.",
        "Legg til `{key}: …` mellom `---`-linjene øverst i fila.",
        "Add `{key}: …` between the `---` lines at the top of the file.",
    ),
    Code(
        "SC012",
        "condition-never-true",
        ERROR,
        "Betingelsen «{condition}» kan aldri bli sann.",
        "The condition '{condition}' can never be true.",
        "{reason}",
        "{reason}",
    ),
    Code(
        "SC013",
        "choice-without-rationale",
        WARNING,
        "Valget «{choice}» mangler faglig begrunnelse.",
        "Choice '{choice}' has no expert rationale.",
        "Skriv begrunnelsen som vanlig tekst, rykket inn under valget. Den vises i debriefen.",
        "Write the rationale as ordinary text indented under the choice. It is shown in the debrief.",
    ),
    Code(
        "SC014",
        "info-never-received",
        WARNING,
        "Rollen «{role}» trenger «{info}», men kan aldri få den.",
        "Role '{role}' needs '{info}' but can never receive it.",
        "La et valg dele den (`- Deler: {info} -> {role} (samtykke)`) eller en hendelse avdekke den.",
        "Let a choice share it (`- Share: {info} -> {role} (consent)`) or an inject reveal it.",
    ),
    Code(
        "SC015",
        "invalid-metadata",
        ERROR,
        "Ugyldig verdi for «{key}» i toppteksten: {problem}.",
        "Invalid value for '{key}' in the front matter: {problem}.",
        "Se referansen i docs/scenario-format.md.",
        "See the reference in docs/scenario-format.md.",
    ),
    Code(
        "SC016",
        "broken-front-matter",
        ERROR,
        "Toppteksten kan ikke leses: {problem}.",
        "The front matter cannot be read: {problem}.",
        "Toppteksten er YAML mellom to `---`-linjer. Sjekk innrykk og kolon.",
        "The front matter is YAML between two `---` lines. Check indentation and colons.",
    ),
    Code(
        "SC017",
        "not-a-scenario",
        ERROR,
        "Fila er ikke et scenario: {problem}.",
        "The file is not a scenario: {problem}.",
        "Et scenario er en UTF-8-tekstfil i Markdown som starter med en topptekst mellom `---`-linjer.",
        "A scenario is a UTF-8 Markdown text file that starts with front matter between `---` lines.",
    ),
    Code(
        "SC018",
        "too-large",
        ERROR,
        "Fila er for stor ({size} byte; grensen er {limit}).",
        "The file is too large ({size} bytes; the limit is {limit}).",
        "Del scenariet opp, eller fjern innlimte bilder og data.",
        "Split the scenario, or remove pasted images and data.",
    ),
    Code(
        "SC019",
        "condition-syntax",
        ERROR,
        "Betingelsen kan ikke leses: {problem}.",
        "The condition cannot be read: {problem}.",
        "Eksempel: `samtykke og bti >= 2`, `helsesykepleier valgte del-info`, `ikke melding_sendt`.",
        "Example: `consent and bti >= 2`, `nurse chose share-info`, `not report_sent`.",
    ),
    Code(
        "SC020",
        "unknown-key",
        ERROR,
        "Ukjent innstilling «{key}».",
        "Unknown setting '{key}'.",
        "Gyldige innstillinger her: {known}.",
        "Valid settings here: {known}.",
    ),
    Code(
        "SC021",
        "invalid-value",
        ERROR,
        "Ugyldig verdi for «{key}»: {problem}.",
        "Invalid value for '{key}': {problem}.",
        "{hint}",
        "{hint}",
    ),
    Code(
        "SC022",
        "bad-attributes",
        ERROR,
        "Attributtene i klammer kan ikke leses: {problem}.",
        "The attributes in braces cannot be read: {problem}.",
        "Skriv for eksempel `{{#min-id .ekspert}}` eller `{{#scene-id dag=3}}`.",
        "Write for example `{{#my-id .expert}}` or `{{#scene-id day=3}}`.",
    ),
    Code(
        "SC023",
        "unknown-section",
        ERROR,
        "Ukjent del «{title}».",
        "Unknown section '{title}'.",
        "Hovedoverskrifter er `# Innledning`, `# Opplysninger`, `# Scene: …`, `# Hendelse: …` "
        "og `# Slutt: …`.",
        "Top headings are `# Introduction`, `# Information`, `# Scene: …`, `# Inject: …` and `# Ending: …`.",
    ),
    Code(
        "SC024",
        "no-scenes",
        ERROR,
        "Scenariet har ingen scener.",
        "The scenario has no scenes.",
        "Legg til minst én `# Scene: Tittel {{#id}}`.",
        "Add at least one `# Scene: Title {{#id}}`.",
    ),
    Code(
        "SC025",
        "no-endings",
        ERROR,
        "Scenariet har ingen slutt.",
        "The scenario has no ending.",
        "Legg til minst én `# Slutt: Tittel {{#id vurdering=god}}`.",
        "Add at least one `# Ending: Title {{#id rating=good}}`.",
    ),
    Code(
        "SC026",
        "transition-after-default",
        WARNING,
        "Denne overgangen kan aldri brukes fordi en «Ellers»-overgang står før den.",
        "This transition can never be taken because an 'Otherwise' transition comes before it.",
        "Flytt «Ellers» til slutt i lista.",
        "Move 'Otherwise' to the end of the list.",
    ),
    Code(
        "SC027",
        "no-default-transition",
        ERROR,
        "Scenen «{scene}» har betingede overganger, men ingen «Ellers».",
        "Scene '{scene}' has conditional transitions but no 'Otherwise'.",
        "Legg til `- Ellers: [Tittel](#scene-id)` sist, så drillen aldri står fast.",
        "Add `- Otherwise: [Title](#scene-id)` last, so the drill never gets stuck.",
    ),
    Code(
        "SC028",
        "unknown-choice",
        ERROR,
        "Rollen «{role}» har ikke noe valg «{choice}» i scenen «{scene}».",
        "Role '{role}' has no choice '{choice}' in scene '{scene}'.",
        "Valgene her er: {known}.",
        "The choices here are: {known}.",
    ),
    Code(
        "SC029",
        "bad-checkpoint",
        ERROR,
        "Sjekkpunktet «{id}»: {problem}.",
        "Checkpoint '{id}': {problem}.",
        "Et sjekkpunkt har minst to svaralternativer i en liste, og ett merket `{{.riktig}}`.",
        "A checkpoint has at least two options in a list, one marked `{{.correct}}`.",
    ),
    Code(
        "SC030",
        "missing-introduction",
        ERROR,
        "Scenariet mangler innledning.",
        "The scenario has no introduction.",
        "Legg til `# Innledning` med casen slik alle roller ser den.",
        "Add `# Introduction` with the case as every role sees it.",
    ),
    Code(
        "SC031",
        "unknown-scene",
        ERROR,
        "Ukjent scene «{scene}».",
        "Unknown scene '{scene}'.",
        "Kjente scener: {known}.",
        "Known scenes: {known}.",
    ),
    Code(
        "SC032",
        "stray-content",
        WARNING,
        "Innholdet står utenfor en del og blir ikke vist.",
        "This content is outside any section and is not shown.",
        "Flytt det inn under en overskrift, for eksempel `# Innledning`.",
        "Move it under a heading, for example `# Introduction`.",
    ),
    Code(
        "SC033",
        "shares-unknown-to-role",
        WARNING,
        "«{role}» deler «{info}» i scenen «{scene}», men har ikke fått den på veien {way}.",
        "'{role}' shares '{info}' in scene '{scene}' but has not received it on the path {way}.",
        "Gi rollen opplysningen på alle veier dit (`- Kjent av:` eller en deling i en tidligere scene), "
        "la valget kreve den med `- Krever: `{role_id} vet {info}``, eller fjern den fra delingen.",
        "Give the role the item on every path there (`- Kjent av:` or a share in an earlier scene), "
        "let the choice require it with `- Krever: `{role_id} vet {info}``, or remove it from the share.",
    ),
    Code(
        "SC034",
        "baton-accept-without-proposal",
        WARNING,
        "«{role}» kan ta imot stafetten i «{scene}», men ingen valg foreslår den for rollen før det.",
        "'{role}' can accept the baton in '{scene}', but no choice proposes it to the role before.",
        "Legg til `- Stafett: foreslår {role}` under et valg som kommer før.",
        "Add `- Baton: propose {role}` under an earlier choice.",
    ),
    Code(
        "SC035",
        "personal-data",
        WARNING,
        "Teksten ser ut til å inneholde ekte personopplysninger ({kind}).",
        "The text seems to contain real personal data ({kind}).",
        "Scenarier skal være fiktive. Bytt ut med oppdiktede opplysninger.",
        "Scenarios must be fictional. Replace it with made-up details.",
    ),
    Code(
        "SC036",
        "no-expert-choice",
        WARNING,
        "Rollen «{role}» har ikke noe valg merket `{{.ekspert}}` i scenen «{scene}».",
        "Role '{role}' has no choice marked `{{.expert}}` in scene '{scene}'.",
        "Merk det faglig anbefalte valget med `{{.ekspert}}`; soloøving og sammenligning bruker det.",
        "Mark the recommended choice with `{{.expert}}`; solo practice and comparison use it.",
    ),
    Code(
        "SC037",
        "several-expert-choices",
        ERROR,
        "Rollen «{role}» har flere valg merket `{{.ekspert}}` i scenen «{scene}».",
        "Role '{role}' has several choices marked `{{.expert}}` in scene '{scene}'.",
        "Merk bare ett valg per rolle og scene som ekspertens.",
        "Mark only one choice per role and scene as the expert's.",
    ),
    Code(
        "SC038",
        "unreachable-ending",
        WARNING,
        "Slutten «{id}» kan ikke nås fra noen scene.",
        "Ending '{id}' cannot be reached from any scene.",
        "Lag en overgang til den, eller fjern den.",
        "Add a transition to it, or remove it.",
    ),
    Code(
        "SC039",
        "misplaced-content",
        WARNING,
        "Dette innholdet blir ikke brukt her: {problem}.",
        "This content is not used here: {problem}.",
        "{hint}",
        "{hint}",
    ),
]

_CODES += [
    Code(
        "SC040",
        "role-without-service",
        ERROR,
        "Rollen «{role}» mangler `service:`.",
        "Role '{role}' lacks `service:`.",
        "Skriv `service: {guess}` under rollen i toppteksten{why}. Tjenestene er: {known}.",
        "Write `service: {guess}` under the role in the front matter{why}. The services are: {known}.",
    ),
    Code(
        "SC041",
        "unknown-service",
        ERROR,
        "Ukjent tjeneste «{service}» for rollen «{role}».",
        "Unknown service '{service}' for role '{role}'.",
        "Bruk ett av disse ordene: {known}.",
        "Use one of these words: {known}.",
    ),
    Code(
        "SC042",
        "unknown-recipient",
        ERROR,
        "Ukjent mottaker «{recipient}» i delingen.",
        "Unknown recipient '{recipient}' in the share.",
        "Del med rollene ({roles}) eller med {external}. Vil du ikke dele, fjern `Deler:`.",
        "Share with the roles ({roles}) or with {external}. To share with nobody, remove `Deler:`.",
    ),
    Code(
        "SC043",
        "talk-without-kind",
        WARNING,
        "Samtalen med barnet sier ikke om den er støttende eller utforskende.",
        "The talk with the child does not say whether it is supportive or investigative.",
        "Skriv `samtale-barn (støttende)` når den voksne lytter og støtter, og `samtale-barn (utforskende)` "
        "når den voksne spør om hva som har skjedd. Bare utforskende samtaler teller som gjentatte avhør.",
        "Write `samtale-barn (støttende)` when the adult listens and supports, and "
        "`samtale-barn (utforskende)` when the adult asks what happened. Only investigative talks count "
        "as repeated interviews.",
    ),
    Code(
        "SC044",
        "bad-id",
        ERROR,
        "Id-en «{id}» kan bare ha små bokstaver a–z, tall og bindestrek.",
        "The id '{id}' may only contain lower-case a–z, digits and hyphens.",
        "Skriv for eksempel «{suggestion}». Id-er brukes i lenker og eksport, så store bokstaver, æ, ø, å, "
        "mellomrom og andre tegn er ikke lov.",
        "Write for example '{suggestion}'. Ids are used in links and exports, so capitals, æ, ø, å, "
        "spaces and other characters are not allowed.",
    ),
    Code(
        "SC045",
        "onset-flag-never-set",
        ERROR,
        "Flagget «{name}» i `{key}` settes aldri av noe valg.",
        "The flag '{name}' in `{key}` is never set by any choice.",
        "Sett det med `- Setter: {name}` under valget som gjør at dette begynner å gjelde, "
        "eller rett stavingen.",
        "Set it with `- Setter: {name}` under the choice from which this holds, or fix the spelling.",
    ),
    Code(
        "SC046",
        "unreadable-file",
        ERROR,
        "Fila kan ikke leses: {problem}.",
        "The file cannot be read: {problem}.",
        "Sjekk stien (den leses fra mappa du står i) og at du har lesetilgang til fila.",
        "Check the path (it is read from the folder you are in) and that you may read the file.",
    ),
    Code(
        "SC047",
        "remote-image",
        WARNING,
        "Bildet «{url}» ligger på en annen nettside og blir ikke vist.",
        "The image '{url}' is on another website and will not be shown.",
        "Legg bildet inn i teksten (data:image/png;base64,…) eller bruk et bilde fra Lagets /static/-mappe.",
        "Embed the picture (data:image/png;base64,…) or use an image from Laget's /static/ folder.",
    ),
    Code(
        "SC048",
        "task-basis-from-health",
        WARNING,
        "«{role}» er helsepersonell og kan ikke dele «{info}» på grunnlaget `oppgave`.",
        "'{role}' is health personnel and cannot share '{info}' on the basis `oppgave`.",
        "`oppgave` (fvl. § 13 b første ledd nr. 5) gjelder ikke helsepersonell, som er bundet av "
        "hpl. § 21. Skriv `samtykke`, `opplysningsplikt` (til barneverntjenesten, hpl. § 33) eller "
        "`tjenestlig behov` (til annet helsepersonell som gir helsehjelp, hpl. § 25).",
        "`oppgave` (fvl. § 13 b first paragraph no. 5) does not apply to health personnel, who are "
        "bound by hpl. § 21. Write `samtykke`, `opplysningsplikt` (to the child welfare service, "
        "hpl. § 33) or `tjenestlig behov` (to other health personnel giving care, hpl. § 25).",
    ),
    Code(
        "SC049",
        "inject-may-not-fire",
        WARNING,
        "Teksten viser til en hendelse, men «{inject}» utløses først etter {minutes} min i scenen «{scene}», "
        "og den blir hoppet over hvis teamet går videre før.",
        "The text points at an event, but '{inject}' fires only after {minutes} min in scene '{scene}', "
        "and it is skipped if the team moves on sooner.",
        "La hendelsen utløses når scenen begynner (`- Utløses: i {scene}`), eller skriv teksten slik at den "
        "ikke forutsetter hendelsen.",
        "Let the event fire when the scene begins (`- Utløses: i {scene}`), or write the text so that it "
        "does not rely on the event.",
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def make(code: str, line: int, *, lang: str = "nb", path: str = "", **params: object) -> Diagnostic:
    """Build a diagnostic from the catalogue, filling the message and hint in the chosen language."""
    return render(CODES[code], line, lang=lang, path=path, **params)


def render(entry: Code, line: int, *, lang: str = "nb", path: str = "", **params: object) -> Diagnostic:
    """Fill one catalogue entry's message and hint; shared by every catalogue (scenarios, courses)."""
    values = {k: _show(v) for k, v in params.items()}
    message = (entry.message_en if lang == "en" else entry.message_nb).format_map(_Blank(values))
    hint = (entry.hint_en if lang == "en" else entry.hint_nb).format_map(_Blank(values))
    return Diagnostic(entry.code, entry.severity, max(line, 1), message, hint, path)


def _show(value: object) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else list(value)
        return ", ".join(str(v) for v in items) or "–"
    return str(value)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """True when any diagnostic is an error, which stops a scenario from being played."""
    return any(d.severity == ERROR for d in diagnostics)


FILE_WORDS = {"nb": ("fil", "filer"), "en": ("file", "files")}
COURSE_WORDS = {"nb": ("kurs", "kurs"), "en": ("course", "courses")}
_PROBLEM_WORDS = {
    "nb": (("feil", "feil"), ("advarsel", "advarsler")),
    "en": (("error", "errors"), ("warning", "warnings")),
}


def check_summary(
    items: int,
    errors: int,
    warnings: int,
    lang: str = "nb",
    item_words: dict[str, tuple[str, str]] = FILE_WORDS,
) -> str:
    """Count what was checked and its problems with the right singular or plural, as a reader says them."""
    lang = lang if lang in _PROBLEM_WORDS else "nb"
    words = (item_words[lang], *_PROBLEM_WORDS[lang])
    counts = (items, errors, warnings)
    return ", ".join(f"{n} {one if n == 1 else many}" for n, (one, many) in zip(counts, words, strict=True))
