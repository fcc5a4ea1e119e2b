"""The front matter: YAML metadata between `---` lines, read into `Meta` by one reader per key."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

import yaml

from scenarios import vocabulary as vocab
from scenarios.ids import show_id
from scenarios.ids import slugify
from scenarios.ids import valid_id
from scenarios.model import Expectation
from scenarios.model import Meta
from scenarios.model import Role
from scenarios.onset import read_onset
from scenarios.reporter import Reporter
from scenarios.vocabulary import fold

LANGUAGES = ("nb", "nn", "en")
REQUIRED = ("id", "title", "language", "summary", "roles")


@dataclass(frozen=True)
class FrontMatter:
    """The metadata, the role lookup (folded id or name -> id) and whether the YAML could be read."""

    meta: Meta
    roles: dict[str, str]
    ok: bool


@dataclass
class _Source:
    """The loaded YAML with the line of each key, and where to report."""

    r: Reporter
    data: dict
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    def invalid(self, key: str, nb: str, en: str) -> None:
        self.r.add("SC015", self.line(key), key=key, problem=self.r.text(nb, en))


def read_front_matter(
    content: str | None, first_line: int, r: Reporter, unclosed: bool = False
) -> FrontMatter:
    """Read the front matter (None: the file has none) into `Meta`, reporting every problem."""
    if content is None:
        r.add(
            "SC017",
            1,
            problem=r.text(
                "toppteksten starter med `---`, men har ingen `---`-linje som avslutter den",
                "the front matter starts with `---` but no `---` line closes it",
            )
            if unclosed
            else r.text(
                "den mangler topptekst (metadata mellom `---`-linjer øverst)",
                "it lacks front matter (metadata between `---` lines at the top)",
            ),
        )
        return FrontMatter(_empty_meta(), {}, False)
    data, lines, ok = _load(r, content, first_line)
    if not ok:
        return FrontMatter(_empty_meta(), {}, False)
    src = _Source(r, data, lines)
    for key in REQUIRED:
        if data.get(key) in (None, "", []):
            r.add("SC011", 1, key=key)
    roles = _roles(r, data.get("roles"), src.line("roles"), lines)
    table: dict[str, str] = {}
    for role in roles:
        table[fold(role.id)] = role.id
        table.setdefault(fold(role.name), role.id)
    fields = {name: reader(src) for name, reader in FIELDS.items()}
    parents = fields.pop("parents_onset")
    meta = Meta(
        roles=roles,
        expectations=_expectations(r, table, data.get("expectations"), src.line("expectations")),
        parents="contraindicated" if parents else "indicated",
        parents_onset=parents,
        line=1,
        **fields,  # type: ignore[arg-type]
    )
    return FrontMatter(meta, table, True)


def _empty_meta() -> Meta:
    return Meta("", "", "nb", "", (), None, (), (), 0, {})


# --- readers for one key each ----------------------------------------------------------------


def _text(key: str) -> Callable[[_Source], str]:
    def read(src: _Source) -> str:
        value = src.data.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str | int | float):
            src.invalid(key, "forventet tekst", "expected text")
            return ""
        return str(value).strip()

    return read


def _texts(key: str) -> Callable[[_Source], tuple[str, ...]]:
    def read(src: _Source) -> tuple[str, ...]:
        value = src.data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            src.invalid(key, "forventet en liste med tekst", "expected a list of text")
            return ()
        return tuple(str(v).strip() for v in value)

    return read


def _number(key: str, low: int, high: int, default: int | None) -> Callable[[_Source], int | None]:
    def read(src: _Source) -> int | None:
        value = src.data.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            src.invalid(
                key,
                f"forventet et heltall fra {low} til {high}",
                f"expected a whole number from {low} to {high}",
            )
            return default
        return value

    return read


def _scenario_id(src: _Source) -> str:
    scenario_id = _text("id")(src)
    if scenario_id and not valid_id(scenario_id):
        src.r.add("SC044", src.line("id"), id=show_id(scenario_id), suggestion=slugify(scenario_id))
    return scenario_id


def _language(src: _Source) -> str:
    language = _text("language")(src)
    if language and language not in LANGUAGES:
        src.invalid("language", "språket må være nb, nn eller en", "the language must be nb, nn or en")
    return language or "nb"


def _child(src: _Source) -> str:
    """The child's name as the debrief uses it: one line of text, never a number or a list."""
    value = src.data.get("child")
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        src.invalid(
            "child",
            "forventet barnets navn som én linje tekst",
            "expected the child's name as one line of text",
        )
        return ""
    return value.strip()


def _settings(src: _Source) -> dict[str, object]:
    settings = src.data.get("settings") or {}
    if not isinstance(settings, dict):
        src.invalid("settings", "forventet nøkkel: verdi-par", "expected key: value pairs")
        return {}
    return {str(k): v for k, v in settings.items()}


def _onset(
    key: str, never: tuple[str, ...], always: tuple[str, ...], start: str, flag: str, nb: str, en: str
) -> Callable[[_Source], object]:
    def read(src: _Source) -> object:
        onset, understood = read_onset(src.data.get(key), never, always, start, flag, src.line(key))
        if not understood:
            src.invalid(key, nb, en)
        return onset

    return read


FIELDS: dict[str, Callable[[_Source], object]] = {
    "id": _scenario_id,
    "title": _text("title"),
    "language": _language,
    "summary": _text("summary"),
    "audience": _texts("audience"),
    "minutes": _number("minutes", 1, 24 * 60, None),
    "goals": _texts("goals"),
    "bti_level": lambda src: _number("bti_level", 0, 3, 0)(src) or 0,
    "settings": _settings,
    "child": _child,
    "authors": _texts("authors"),
    "license": _text("license"),
    "version": _text("version"),
    "parents_onset": _onset(
        "parents",
        ("indicated", "indisert"),
        ("contraindicated", "kontraindisert"),
        "contraindicated_from",
        "contraindicated_when",
        "bruk «indicated», «contraindicated», «{contraindicated_from: scene-id}» "
        "eller «{contraindicated_when: flagg}»",
        "use 'indicated', 'contraindicated', '{contraindicated_from: scene-id}' "
        "or '{contraindicated_when: flag}'",
    ),
    "averting": _onset(
        "averting_duty",
        ("not met", "ikke nådd"),
        ("met", "nådd"),
        "met_from",
        "met_when",
        "bruk «met», «{met_from: scene-id}» eller «{met_when: flagg}»",
        "use 'met', '{met_from: scene-id}' or '{met_when: flag}'",
    ),
}


# --- roles and expectations ------------------------------------------------------------------


def _load(r: Reporter, content: str, first_line: int) -> tuple[dict, dict[str, int], bool]:
    """Load the YAML and the line of each top-level key; the flag says whether it could be read."""
    try:
        node = yaml.compose(content, Loader=yaml.SafeLoader)
        data = yaml.safe_load(content)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        r.add("SC016", line, problem=problem)
        return {}, {}, False
    except RecursionError:
        r.add("SC016", first_line, problem="too deeply nested")
        return {}, {}, False
    if data is None:
        return {}, {}, True
    if not isinstance(data, dict):
        r.add(
            "SC016",
            first_line,
            problem=r.text("forventet nøkkel: verdi-par", "expected key: value pairs"),
        )
        return {}, {}, False
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            lines[str(key_node.value)] = first_line + key_node.start_mark.line
            if isinstance(value_node, yaml.SequenceNode):
                for i, item in enumerate(value_node.value):
                    lines[f"{key_node.value}[{i}]"] = first_line + item.start_mark.line
    return data, lines, True


def _roles(r: Reporter, value: object, line: int, key_lines: dict[str, int]) -> tuple[Role, ...]:
    """The declared roles, 2 to 6, each with an id, a name and a service."""
    if value is None:
        return ()
    if not isinstance(value, list):
        r.add(
            "SC015",
            line,
            key="roles",
            problem=r.text("forventet en liste med roller", "expected a list of roles"),
        )
        return ()
    roles: list[Role] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        item_line = key_lines.get(f"roles[{i}]", line)
        if isinstance(item, str):
            role_id, name = slugify(item), item.strip()
            service = _service(r, role_id, name, None, item_line)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            role_id = item["id"].strip()
            name = str(item.get("name") or role_id).strip()
            service = _service(r, role_id, name, item.get("service"), item_line)
        else:
            r.add(
                "SC015",
                item_line,
                key="roles",
                problem=r.text("hver rolle trenger minst en id", "each role needs at least an id"),
            )
            continue
        if role_id in seen:
            r.add("SC010", item_line, id=role_id, first=seen[role_id])
            continue
        if not valid_id(role_id):
            r.add("SC044", item_line, id=show_id(role_id), suggestion=slugify(role_id))
        seen[role_id] = item_line
        roles.append(Role(role_id, name, item_line, service))
    if roles and not 2 <= len(roles) <= 6:
        r.add(
            "SC015",
            line,
            key="roles",
            problem=r.text(
                f"et scenario har 2 til 6 roller, ikke {len(roles)}",
                f"a scenario has 2 to 6 roles, not {len(roles)}",
            ),
        )
    return tuple(roles)


def _service(r: Reporter, role_id: str, name: str, value: object, line: int) -> str:
    """The role's declared service; a missing or unknown one is reported with the likely word."""
    guess = vocab.guess_service(role_id, name)
    if value is None or value == "":
        why = r.text(f" («{name}» ser ut som {guess})", f" ('{name}' looks like {guess})") if guess else ""
        r.add(
            "SC040",
            line,
            role=name,
            guess=guess or "annet",
            why=why,
            known=", ".join(vocab.SERVICES),
        )
        return guess or "annet"
    service = fold(str(value))
    if service not in vocab.SERVICES:
        r.add("SC041", line, role=name, service=value, known=", ".join(vocab.SERVICES))
        return guess or "annet"
    return service


def _expectations(r: Reporter, roles: Mapping[str, str], value: object, line: int) -> tuple[Expectation, ...]:
    """Escalations the author expects: an action (or `bti:N`) due from a scene, maybe by one role."""
    if value in (None, []):
        return ()
    if not isinstance(value, list):
        r.add(
            "SC015",
            line,
            key="expectations",
            problem=r.text("forventet en liste", "expected a list"),
        )
        return ()
    found = []
    for item in value:
        if not isinstance(item, dict) or "action" not in item or "due" not in item:
            r.add(
                "SC015",
                line,
                key="expectations",
                problem=r.text(
                    "hver forventning trenger `action` og `due`",
                    "each expectation needs `action` and `due`",
                ),
            )
            continue
        action = str(item["action"]).strip()
        canonical = vocab.ACTIONS.get(fold(action))
        if canonical is None and fold(action).startswith("bti:"):
            level = fold(action)[4:]
            canonical = f"bti:{level}" if level in ("1", "2", "3") else None
        if canonical is None:
            r.add(
                "SC015",
                line,
                key="expectations",
                problem=r.text(f"ukjent handling «{action}»", f"unknown action '{action}'"),
            )
            continue
        role = item.get("role")
        role_id = roles.get(fold(str(role))) if role else None
        if role and role_id is None:
            r.add("SC007", line, role=role, known=sorted(set(roles.values())))
        grace = item.get("grace", 0)
        if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
            grace = 0
        found.append(Expectation(canonical, str(item["due"]).strip(), role_id, grace, line))
    return tuple(found)
