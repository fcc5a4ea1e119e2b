"""What changed between two versions of a scenario: a line diff and the same change told in words.

A reviewer reads both: the lines to see exactly what was written, the structural changes to see at a
glance that a scene was added, an ending renamed or a transition moved. Pure Python, like the rest of
`scenarios/`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from scenarios.model import Choice
from scenarios.model import Onset
from scenarios.model import Scenario

CONTEXT = "context"
ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
RETITLED = "retitled"
RERATED = "rerated"
REROUTED = "rerouted"
REVISED = "revised"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # CONTEXT | ADDED | REMOVED
    old_line: int | None  # 1-based line in the old text; None for an added line
    new_line: int | None  # 1-based line in the new text; None for a removed line
    text: str


@dataclass(frozen=True)
class DiffHunk:
    """One stretch of changes with its context, numbered like `diff -u` does."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    kind: str  # ADDED (only new lines) | REMOVED (only old lines) | CHANGED
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        old = f"{self.old_start},{self.old_count}" if self.old_count != 1 else f"{self.old_start}"
        new = f"{self.new_start},{self.new_count}" if self.new_count != 1 else f"{self.new_start}"
        return f"@@ -{old} +{new} @@"


def diff_sources(old: str, new: str, context: int = 3) -> list[DiffHunk]:
    """The changed lines between two sources, grouped in hunks with `context` unchanged lines around."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                pairs = zip(range(i1, i2), range(j1, j2), strict=True)
                lines.extend(DiffLine(CONTEXT, i + 1, j + 1, a[i]) for i, j in pairs)
                continue
            lines.extend(DiffLine(REMOVED, i + 1, None, a[i]) for i in range(i1, i2))
            lines.extend(DiffLine(ADDED, None, j + 1, b[j]) for j in range(j1, j2))
        old_from, old_to = group[0][1], group[-1][2]
        new_from, new_to = group[0][3], group[-1][4]
        kinds = {line.kind for line in lines} - {CONTEXT}
        kind = CHANGED if len(kinds) > 1 else kinds.pop()
        hunks.append(
            DiffHunk(
                _start(old_from, old_to),
                old_to - old_from,
                _start(new_from, new_to),
                new_to - new_from,
                kind,
                tuple(lines),
            )
        )
    return hunks


def _start(begin: int, end: int) -> int:
    """A hunk's first line as `diff -u` writes it: the line before, when the side is empty."""
    return begin if end == begin else begin + 1


def unified(hunks: list[DiffHunk], old_name: str = "old", new_name: str = "new") -> str:
    """The hunks as a unified diff, as `diff -u` and code review tools show it."""
    if not hunks:
        return ""
    out = [f"--- {old_name}", f"+++ {new_name}"]
    marks = {CONTEXT: " ", ADDED: "+", REMOVED: "-"}
    for hunk in hunks:
        out.append(hunk.header)
        out.extend(marks[line.kind] + line.text for line in hunk.lines)
    return "\n".join(out)


# --- Structural changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # ADDED | REMOVED | RETITLED | RERATED | REROUTED | REVISED
    element: str  # scenario | role | info | scene | choice | inject | ending
    id: str  # a choice is "scene/role/choice"
    old_line: int | None
    new_line: int | None
    message: str


_NOUNS: dict[str, tuple[str, str]] = {
    "scenario": ("Scenariet", "The scenario"),
    "role": ("Rollen", "Role"),
    "info": ("Opplysningen", "Information item"),
    "scene": ("Scenen", "Scene"),
    "choice": ("Valget", "Choice"),
    "inject": ("Hendelsen", "Inject"),
    "ending": ("Slutten", "Ending"),
}

_MESSAGES: dict[str, tuple[str, str]] = {
    ADDED: ("{noun} «{title}» ({id}) er lagt til.", "{noun} '{title}' ({id}) was added."),
    REMOVED: ("{noun} «{title}» ({id}) er fjernet.", "{noun} '{title}' ({id}) was removed."),
    RETITLED: (
        "{noun} «{id}» heter nå «{new}» (før «{old}»).",
        "{noun} '{id}' is now called '{new}' (was '{old}').",
    ),
    RERATED: (
        "{noun} «{id}» er nå vurdert som {new} (før {old}).",
        "{noun} '{id}' is now rated {new} (was {old}).",
    ),
    REROUTED: (
        "{noun} «{id}» fører nå til {new} (før {old}).",
        "{noun} '{id}' now leads to {new} (was {old}).",
    ),
    "scenario_retitled": (
        "Scenariet heter nå «{new}» (før «{old}»).",
        "The scenario is now called '{new}' (was '{old}').",
    ),
}

# What a choice does besides its label, each compared on its own so the summary names what changed.
_ASPECTS: dict[str, tuple[str, str]] = {
    "shares": ("{noun} «{id}» deler nå {new} (før {old}).", "{noun} '{id}' now shares {new} (was {old})."),
    "baton": (
        "{noun} «{id}» gjør nå dette med stafetten: {new} (før {old}).",
        "{noun} '{id}' now does this with the baton: {new} (was {old}).",
    ),
    "bti": (
        "{noun} «{id}» setter nå BTI-nivå {new} (før {old}).",
        "{noun} '{id}' now sets BTI level {new} (was {old}).",
    ),
    "actions": (
        "{noun} «{id}» har nå handlingene {new} (før {old}).",
        "{noun} '{id}' now has the actions {new} (was {old}).",
    ),
    "parents": (
        "{noun} «{id}» sier nå at foreldrene er kontraindisert {new} (før {old}).",
        "{noun} '{id}' now says parents are contraindicated {new} (was {old}).",
    ),
    "averting": (
        "{noun} «{id}» sier nå at terskelen i strl. § 196 er nådd {new} (før {old}).",
        "{noun} '{id}' now says the threshold of strl. § 196 is met {new} (was {old}).",
    ),
    "service": (
        "{noun} «{id}» hører nå til tjenesten {new} (før {old}).",
        "{noun} '{id}' now belongs to the service {new} (was {old}).",
    ),
}

_BATON = {
    "propose": ("foreslå", "propose"),
    "accept": ("ta imot", "accept"),
    "take": ("ta", "take"),
    "release": ("gi fra seg", "release"),
}

_RATINGS = {"good": ("god", "good"), "mixed": ("middels", "mixed"), "poor": ("svak", "poor")}


@dataclass(frozen=True)
class _Item:
    """One comparable element of a version: its id, title, line and the extra facts compared."""

    id: str
    title: str
    line: int
    rating: str = ""
    targets: tuple[str, ...] = ()
    # (aspect, description) pairs, in the order of ``_ASPECTS``; an aspect a choice lacks reads as "none".
    aspects: tuple[tuple[str, str], ...] = ()


def structural_changes(old: Scenario, new: Scenario, lang: str = "nb") -> list[Change]:
    """Scenes, endings, roles, choices, information and injects added, removed, renamed or rerouted."""
    changes: list[Change] = []
    if old.meta.title != new.meta.title:
        text = _MESSAGES["scenario_retitled"][1 if lang == "en" else 0]
        changes.append(
            Change(
                RETITLED,
                "scenario",
                new.meta.id,
                old.meta.line,
                new.meta.line,
                text.format(new=new.meta.title, old=old.meta.title),
            )
        )
    key = new.meta.id
    changes += _compare("scenario", _markers(old, key, lang), _markers(new, key, lang), lang)
    changes += _compare("role", _roles(old), _roles(new), lang)
    changes += _compare("info", _infos(old), _infos(new), lang)
    kept = {s.id for s in old.scenes} & {s.id for s in new.scenes}
    changes += _compare("scene", _scenes(old), _scenes(new), lang)
    changes += _compare("choice", _choices(old, kept, lang == "en"), _choices(new, kept, lang == "en"), lang)
    changes += _compare("inject", _injects(old), _injects(new), lang)
    changes += _compare("ending", _endings(old), _endings(new), lang)
    return changes


def _first(items: Iterable[_Item]) -> dict[str, _Item]:
    """Items by id; a duplicate id (an error the checker reports) counts once, as the first."""
    found: dict[str, _Item] = {}
    for item in items:
        found.setdefault(item.id, item)
    return found


def _markers(scenario: Scenario, key: str, lang: str) -> dict[str, _Item]:
    """The case-level markers (parents contraindicated, § 196 met) and from when they hold."""
    meta, en = scenario.meta, lang == "en"
    aspects = (("parents", _onset(meta.parents_onset, en)), ("averting", _onset(meta.averting, en)))
    return {key: _Item(key, "", meta.line, aspects=aspects)}


def _onset(onset: Onset | None, en: bool) -> str:
    if onset is None:
        return ""
    if onset.always:
        return "for the whole case" if en else "i hele saken"
    if onset.scene is not None:
        return f"from scene {onset.scene}" if en else f"fra scenen {onset.scene}"
    return f"once {onset.flag} is set" if en else f"fra {onset.flag} er satt"


def _roles(scenario: Scenario) -> dict[str, _Item]:
    return _first(_Item(r.id, r.name, r.line, aspects=(("service", r.service),)) for r in scenario.meta.roles)


def _infos(scenario: Scenario) -> dict[str, _Item]:
    return _first(_Item(i.id, i.title, i.line) for i in scenario.infos)


def _scenes(scenario: Scenario) -> dict[str, _Item]:
    return _first(
        _Item(s.id, s.title, s.line, targets=tuple(dict.fromkeys(t.target for t in s.transitions)))
        for s in scenario.scenes
    )


def _choices(scenario: Scenario, scenes: set[str], en: bool) -> dict[str, _Item]:
    """Choices of the scenes both versions have; a new scene's choices come with the scene."""
    return _first(
        _Item(f"{s.id}/{section.role}/{c.id}", c.label, c.line, aspects=_choice_aspects(c, en))
        for s in scenario.scenes
        if s.id in scenes
        for section in s.roles
        for c in section.choices
    )


def _choice_aspects(choice: Choice, en: bool) -> tuple[tuple[str, str], ...]:
    """What a choice shares, does with the baton, sets as BTI level and records as actions, in plain text."""
    shares = "; ".join(
        f"{', '.join(share.infos)} -> {', '.join((*share.to, *share.external))}"
        + (f" ({share.basis})" if share.basis else "")
        for share in choice.shares
    )
    baton = ""
    if choice.baton is not None:
        kind = _BATON.get(choice.baton.kind, (choice.baton.kind, choice.baton.kind))[1 if en else 0]
        baton = kind + (f" {choice.baton.to}" if choice.baton.to else "")
    bti = "" if choice.bti is None else str(choice.bti)
    actions = ", ".join(action.kind + "".join(f" .{tag}" for tag in action.tags) for action in choice.actions)
    return (("shares", shares), ("baton", baton), ("bti", bti), ("actions", actions))


def _injects(scenario: Scenario) -> dict[str, _Item]:
    return _first(_Item(i.id, i.title, i.line) for i in scenario.injects)


def _endings(scenario: Scenario) -> dict[str, _Item]:
    return _first(_Item(e.id, e.title, e.line, rating=e.rating) for e in scenario.endings)


def _compare(element: str, old: dict[str, _Item], new: dict[str, _Item], lang: str) -> list[Change]:
    """Removed items in their old order, then added and changed items in their new order."""
    en = lang == "en"
    noun = _NOUNS[element][1 if en else 0]

    def say(kind: str, **params: object) -> str:
        return _MESSAGES[kind][1 if en else 0].format(noun=noun, **params)

    changes = [
        Change(REMOVED, element, item.id, item.line, None, say(REMOVED, title=item.title, id=item.id))
        for item_id, item in old.items()
        if item_id not in new
    ]
    for item_id, item in new.items():
        before = old.get(item_id)
        if before is None:
            changes.append(
                Change(ADDED, element, item_id, None, item.line, say(ADDED, title=item.title, id=item_id))
            )
            continue
        if before.title != item.title:
            text = say(RETITLED, id=item_id, new=item.title, old=before.title)
            changes.append(Change(RETITLED, element, item_id, before.line, item.line, text))
        if before.rating != item.rating:
            text = say(RERATED, id=item_id, new=_rating(item.rating, en), old=_rating(before.rating, en))
            changes.append(Change(RERATED, element, item_id, before.line, item.line, text))
        if before.targets != item.targets:
            text = say(REROUTED, id=item_id, new=_listing(item.targets, en), old=_listing(before.targets, en))
            changes.append(Change(REROUTED, element, item_id, before.line, item.line, text))
        for (aspect, was), (_, now) in zip(before.aspects, item.aspects, strict=False):
            if was != now:
                text = _ASPECTS[aspect][1 if en else 0].format(
                    noun=noun, id=item_id, new=_described(now, en), old=_described(was, en)
                )
                changes.append(Change(REVISED, element, item_id, before.line, item.line, text))
    return changes


def _rating(rating: str, en: bool) -> str:
    return _RATINGS.get(rating, (rating, rating))[1 if en else 0]


def _described(value: str, en: bool) -> str:
    if not value:
        return "nothing" if en else "ingenting"
    return f"'{value}'" if en else f"«{value}»"


def _listing(targets: tuple[str, ...], en: bool) -> str:
    if not targets:
        return "nothing" if en else "ingenting"
    return ", ".join(f"'{t}'" if en else f"«{t}»" for t in targets)
