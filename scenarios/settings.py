"""The settings mini-languages under choices, information items and injects, as pure readers.

Each reader takes the parsing context (the reporter and the role table), the value after `Key:` and
its line, and returns model parts; problems become diagnostics, never exceptions. The dispatch tables
map each canonical key (see `vocabulary`) to its reader.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass

from scenarios import vocabulary as vocab
from scenarios.conditions import ConditionError
from scenarios.conditions import parse_condition
from scenarios.ids import slugify
from scenarios.markup import Block
from scenarios.markup import inline_children
from scenarios.model import Action
from scenarios.model import Annotation
from scenarios.model import Assignment
from scenarios.model import Baton
from scenarios.model import Condition
from scenarios.model import Measure
from scenarios.model import Need
from scenarios.model import Share
from scenarios.model import Trigger
from scenarios.personal_data import PERSONAL_DATA_KINDS
from scenarios.personal_data import find_personal_data
from scenarios.reporter import Reporter
from scenarios.vocabulary import fold


@dataclass(frozen=True)
class Context:
    """What every reader needs: where to report, and how role names and ids map to role ids."""

    r: Reporter
    roles: Mapping[str, str]  # folded id or name -> role id


def split_list(value: str, separator: str = ",") -> list[str]:
    """Split on a separator outside parentheses, dropping empty parts."""
    if "(" not in value:
        return [p for p in (part.strip() for part in value.split(separator)) if p]
    parts, depth, current = [], 0, []
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def paren_suffix(text: str) -> tuple[str, str | None]:
    """Split `words (qualifier)` into the words and the qualifier."""
    text = text.strip()
    if text.endswith(")") and "(" in text:
        start = text.rfind("(")
        return text[:start].strip(), text[start + 1 : -1].strip()
    return text, None


def invalid(ctx: Context, line: int, key: str, problem: str, nb: str, en: str) -> None:
    """Report an invalid value (SC021) with a hint in the reporter's language."""
    ctx.r.add("SC021", line, key=key, problem=problem, hint=ctx.r.text(nb, en))


def personal_data(ctx: Context, text: str, line: int) -> None:
    """Warn about text that looks like real personal data (scenarios are fictional)."""
    for kind in find_personal_data(text):
        ctx.r.add("SC035", line, kind=ctx.r.text(*PERSONAL_DATA_KINDS[kind]))


def role_of(ctx: Context, text: str, line: int) -> str | None:
    """The role id a name or id stands for; an unknown one is reported."""
    role = ctx.roles.get(fold(text))
    if role is None:
        ctx.r.add("SC007", line, role=text.strip(), known=known_roles(ctx))
    return role


def names_role(ctx: Context, text: str) -> bool:
    """Whether the text is a role's id or name, with or without a `(qualifier)` after it."""
    return fold(text) in ctx.roles or fold(paren_suffix(text)[0]) in ctx.roles


def role_list(ctx: Context, value: str) -> list[str]:
    """Split a comma list of roles, keeping a role name that itself contains a comma in one piece."""
    parts = split_list(value)
    if not any("," in name for name in ctx.roles):
        return parts
    merged, i = [], 0
    while i < len(parts):
        end = i + 1
        if not names_role(ctx, parts[i]):
            end = next(
                (j for j in range(len(parts), i + 1, -1) if names_role(ctx, ", ".join(parts[i:j]))), end
            )
        merged.append(", ".join(parts[i:end]))
        i = end
    return merged


def roles_of(ctx: Context, value: str, line: int) -> tuple[str, ...]:
    """Roles in a comma list (`alle` for every role, `ingen` for none)."""
    found = []
    for part in role_list(ctx, value):
        if fold(part) in ("ingen", "none", "nobody"):
            continue
        if fold(part) in ("alle", "all", "everyone"):
            return tuple(ctx.roles[fold(r)] for r in known_roles(ctx))
        role = role_of(ctx, part, line)
        if role:
            found.append(role)
    return tuple(found)


def needs(ctx: Context, value: str, line: int) -> list[Need]:
    """`Trengs av:` – roles that need an item, each optionally by a scene: `helse (innen s2)`.

    The `(innen …)` belongs to the one role it follows; roles without one need the item by no set scene.
    """
    found = []
    for part in role_list(ctx, value):
        # A role name may itself end in parentheses, e.g. "Pedagogisk leder (barnehage)".
        who, qualifier = (part, None) if fold(part) in ctx.roles else paren_suffix(part)
        by = None
        if qualifier:
            words = qualifier.split()
            if words and fold(words[0]) in ("innen", "by", "før", "before"):
                words = words[1:]
            by = words[-1] if words else None
        for role in roles_of(ctx, who, line):
            found.append(Need(role, by, line))
    return found


def bounded(ctx: Context, value: str, line: int, key: str, low: int, high: int) -> int | None:
    """A whole number within bounds, or None with a diagnostic."""
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        invalid(
            ctx,
            line,
            key,
            value,
            f"Bruk et heltall fra {low} til {high}.",
            f"Use a whole number from {low} to {high}.",
        )
        return None
    return number


def condition(ctx: Context, inline: Block, value: str, line: int) -> tuple[Condition | None, str]:
    """A condition in backticks (or bare), parsed against the roles."""
    code = next((c for c in inline_children(inline) if c.type == "code_inline"), None)
    text = code.content if code is not None else value
    try:
        return parse_condition(text, ctx.roles), text
    except ConditionError as error:
        if hasattr(error, "role"):
            ctx.r.add("SC007", line, role=error.role, known=known_roles(ctx))
        else:
            ctx.r.add("SC019", line, problem=ctx.r.text(error.nb, error.en))
        return None, text


def assignments(ctx: Context, value: str, line: int) -> list[Assignment]:
    """`Setter:` – flags set or cleared and counters changed."""
    found = []
    for part in split_list(value):
        words = part.replace("+=", " + ").replace("-=", " - ").replace("=", " = ").replace("+", " + ").split()
        hint = ctx.r.text(
            "Skriv `flagg`, `ikke flagg`, `teller + 1`, `teller - 1` eller `teller = 3`.",
            "Write `flag`, `not flag`, `counter + 1`, `counter - 1` or `counter = 3`.",
        )
        if len(words) == 1 and _is_name(words[0]):
            found.append(Assignment(words[0], "set", 1, line))
        elif len(words) == 2 and fold(words[0]) in ("ikke", "not") and _is_name(words[1]):
            found.append(Assignment(words[1], "clear", 0, line))
        elif len(words) == 3 and _is_name(words[0]) and words[1] in "+-=" and _is_int(words[2]):
            amount = int(words[2])
            op = "assign" if words[1] == "=" else "add"
            found.append(Assignment(words[0], op, -amount if words[1] == "-" else amount, line))
        else:
            ctx.r.add("SC021", line, key="Setter", problem=part, hint=hint)
    return found


def _is_name(word: str) -> bool:
    return (
        bool(word)
        and (word[0].isalpha() or word[0] == "_")
        and all(ch.isalnum() or ch in "_-" for ch in word)
        and fold(word) not in vocab.CONDITION_WORDS
    )


def shares(ctx: Context, value: str, line: int) -> list[Share]:
    """`Deler:` – items shared with roles and outside receivers, each with a legal basis."""
    shares = []
    hint = ctx.r.text(
        "Skriv `opplysning -> mottaker (grunnlag)`, for eksempel `fravaer -> helsesykepleier (samtykke)` "
        "eller `blamerker -> politi (avverging)`.",
        "Write `item -> receiver (basis)`, for example `fravaer -> helsesykepleier (samtykke)` "
        "or `blamerker -> politi (avverging)`.",
    )
    for clause in split_list(value, ";"):
        clause = clause.replace("→", "->")
        left, arrow, right = clause.partition("->")
        if not arrow:
            ctx.r.add("SC021", line, key="Deler", problem=clause, hint=hint)
            continue
        targets, basis_text = paren_suffix(right)
        if basis_text is None:
            ctx.r.add(
                "SC021",
                line,
                key="Deler",
                problem=ctx.r.text(
                    f"«{clause}» mangler grunnlag i parentes", f"'{clause}' lacks a basis in parentheses"
                ),
                hint=hint,
            )
            continue
        basis = vocab.BASES.get(fold(basis_text))
        if basis is None:
            invalid(
                ctx,
                line,
                "Deler",
                basis_text,
                "Grunnlag: samtykke, opplysningsplikt, avvergingsplikt (eller avverging), oppgave, "
                "anonym, tjenestlig behov eller uten.",
                "Basis: samtykke (consent), opplysningsplikt (duty to report), avvergingsplikt "
                "(duty to avert), oppgave (task), anonym, tjenestlig behov (internal) "
                "or uten (none).",
            )
            continue
        infos = tuple(split_list(left))
        roles, external = recipients(ctx, targets, line)
        if infos and (roles or external):
            shares.append(Share(infos, roles, basis, line, external))
        elif not infos:
            ctx.r.add("SC021", line, key="Deler", problem=clause, hint=hint)
    return shares


def recipients(ctx: Context, value: str, line: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The roles and outside receivers of a share; anything else (`ingen` too) is reported."""
    roles: list[str] = []
    external: list[str] = []
    for part in role_list(ctx, value):
        word = fold(part)
        if word in vocab.EXTERNAL_RECIPIENTS:
            external.append(word)
        elif word in ("alle", "all", "everyone"):
            roles.extend(ctx.roles[fold(r)] for r in known_roles(ctx))
        elif word in ctx.roles:
            roles.append(ctx.roles[word])
        else:
            ctx.r.add(
                "SC042",
                line,
                recipient=part.strip(),
                roles=known_roles(ctx),
                external=", ".join(vocab.EXTERNAL_RECIPIENTS),
            )
    return tuple(dict.fromkeys(roles)), tuple(dict.fromkeys(external))


def baton(ctx: Context, value: str, line: int) -> Baton | None:
    """`Stafett:` – propose, accept, take or release the case."""
    folded = fold(value)
    for phrase in sorted(vocab.BATON, key=len, reverse=True):
        if folded == phrase or folded.startswith(phrase + " "):
            kind = vocab.BATON[phrase]
            rest = folded[len(phrase) :].strip()
            if kind == "propose":
                if not rest:
                    break
                role = role_of(ctx, rest, line)
                return Baton(kind, role, line) if role else None
            if rest:
                break
            return Baton(kind, None, line)
    invalid(
        ctx,
        line,
        "Stafett",
        value,
        "Skriv `foreslår <rolle>`, `tar imot`, `tar` eller `gir fra seg`.",
        "Write `propose <role>`, `accept`, `take` or `release`.",
    )
    return None


def actions(ctx: Context, value: str, line: int) -> list[Action]:
    """`Handling:` – what the role does, with qualifiers in parentheses."""
    found = []
    for part in split_list(value):
        name, qualifier = paren_suffix(part)
        kind = vocab.ACTIONS.get(fold(name))
        if kind is None:
            invalid(
                ctx,
                line,
                "Handling",
                name,
                "Kjente handlinger: " + ", ".join(vocab.names(vocab.ACTIONS)) + ".",
                "Known actions: " + ", ".join(vocab.names(vocab.ACTIONS)) + ".",
            )
            continue
        tags = []
        for tag_text in split_list(qualifier or ""):
            tag = vocab.ACTION_TAGS.get(fold(tag_text))
            if tag is None:
                invalid(
                    ctx,
                    line,
                    "Handling",
                    tag_text,
                    "Kjente presiseringer: " + ", ".join(vocab.names(vocab.ACTION_TAGS)) + ".",
                    "Known qualifiers: " + ", ".join(vocab.names(vocab.ACTION_TAGS)) + ".",
                )
            else:
                tags.append(tag)
        found.append(Action(kind, tuple(tags), line))
    return found


def measure(ctx: Context, value: str, line: int) -> Measure | None:
    """`Tiltak:` – a measure in a domain, shared in a plan or not."""
    name, qualifier = paren_suffix(value)
    domain = vocab.DOMAINS.get(fold(name))
    if domain is None:
        invalid(
            ctx,
            line,
            "Tiltak",
            name,
            "Bruk læring, helse, omsorg eller sosialt, og gjerne `(felles plan)`.",
            "Use learning, health, care or social, optionally `(shared plan)`.",
        )
        return None
    shared = qualifier is not None and any(
        w in fold(qualifier) for w in ("felles", "shared", "plan", "stafettlogg")
    )
    return Measure(domain, shared, line)


def annotations(ctx: Context, value: str, line: int) -> list[Annotation]:
    """`Vurdering:` – the expert's -2…+2 per coordination dimension."""
    found = []
    for part in split_list(value):
        words = part.split()
        if len(words) < 2 or not _is_int(words[-1].replace("+", "")):
            invalid(
                ctx,
                line,
                "Vurdering",
                part,
                "Skriv dimensjon og tall fra -2 til +2, for eksempel `stemme +2, informasjon -1`.",
                "Write a dimension and a number from -2 to +2, e.g. `voice +2, information -1`.",
            )
            continue
        name = " ".join(words[:-1])
        amount = int(words[-1].replace("+", ""))
        dimension = vocab.DIMENSIONS.get(fold(name))
        if dimension is None:
            ctx.r.add(
                "SC009",
                line,
                name=name,
                known=sorted(
                    k
                    for k, v in vocab.DIMENSIONS.items()
                    if " " not in k
                    and not k.isascii()
                    or k in ("eskalering", "informasjon", "eierskap", "stemme", "foreldre", "samstemthet")
                ),
            )
            continue
        if not -2 <= amount <= 2:
            invalid(
                ctx,
                line,
                "Vurdering",
                part,
                "Tallet går fra -2 (svært uheldig) til +2 (svært godt).",
                "The number runs from -2 (very poor) to +2 (very good).",
            )
            continue
        found.append(Annotation(dimension, amount, line))
    return found


def trigger(ctx: Context, value: str, line: int) -> Trigger:
    """`Utløses:` – manual, on entering a scene, or some minutes into it."""
    words = value.replace(",", " ").split()
    kind, scene, after = "manual", None, None
    i = 0
    ok = bool(words)
    while i < len(words) and ok:
        word = vocab.TRIGGER_WORDS.get(fold(words[i]))
        if word == "manual":
            i += 1
        elif word == "scene" or fold(words[i]) == "scene":
            i += 1
            if i < len(words) and fold(words[i]) == "scene":
                i += 1
            if i < len(words):
                kind, scene = "scene", words[i]
                i += 1
            else:
                ok = False
        elif word == "after" and i + 1 < len(words) and words[i + 1].isdigit():
            after = int(words[i + 1])
            i += 2
            if i < len(words) and vocab.TRIGGER_WORDS.get(fold(words[i])) == "minutes":
                i += 1
        else:
            ok = False
    if not ok or (after is not None and scene is None):
        invalid(
            ctx,
            line,
            ctx.r.text("Utløses", "When"),
            value,
            "Skriv `manuelt`, `i scene-id` eller `i scene-id etter 5 min`.",
            "Write `manual`, `in scene-id` or `in scene-id after 5 min`.",
        )
        return Trigger("manual", None, None, line)
    return Trigger(kind, scene, after, line)


def known_roles(ctx: Context) -> list[str]:
    """Every role id, sorted, for hints."""
    return sorted(set(ctx.roles.values()))


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


# --- dispatch: each key's reader returns the choice fields it sets ------------------------------

Fields = dict[str, object]
ChoiceReader = Callable[[Context, str, int, Block], Fields]

# Fields that several lines of the same key add to, instead of replacing.
ADDING_FIELDS = ("sets", "shares", "actions", "annotations", "laws")


def _requires(ctx: Context, value: str, line: int, inline: Block) -> Fields:
    found, text = condition(ctx, inline, value, line)
    return {"requires": found, "requires_text": text}


def _follow_up(ctx: Context, value: str, line: int, inline: Block) -> Fields:
    days = value.split()[0] if value.split() else ""
    return {"follow_up_days": bounded(ctx, days, line, "follow_up", 1, 3650)}


def _feedback(ctx: Context, value: str, line: int, inline: Block) -> Fields:
    personal_data(ctx, value, line)
    return {"feedback": " ".join(value.split()) if "\n" in value else value}


CHOICE_SETTINGS: dict[str, ChoiceReader] = {
    "requires": _requires,
    "set": lambda ctx, value, line, _: {"sets": tuple(assignments(ctx, value, line))},
    "bti": lambda ctx, value, line, _: {"bti": bounded(ctx, value, line, "BTI", 0, 3)},
    "share": lambda ctx, value, line, _: {"shares": tuple(shares(ctx, value, line))},
    "baton": lambda ctx, value, line, _: {"baton": baton(ctx, value, line)},
    "action": lambda ctx, value, line, _: {"actions": tuple(actions(ctx, value, line))},
    "measure": lambda ctx, value, line, _: {"measure": measure(ctx, value, line)},
    "follow_up": _follow_up,
    "assessment": lambda ctx, value, line, _: {"annotations": tuple(annotations(ctx, value, line))},
    "plan": lambda ctx, value, line, _: {"plan": slugify(value) if value else ""},
    "feedback": _feedback,
    "law": lambda ctx, value, line, _: {"laws": tuple(p.strip() for p in value.split(";") if p.strip())},
}


def choice_fields(ctx: Context, rows: list[tuple[str, str, int, Block]]) -> Fields:
    """The choice fields from its `- Key: value` rows; repeated adding keys accumulate."""
    fields: Fields = {}
    for key, value, line, inline in rows:
        for name, found in CHOICE_SETTINGS[key](ctx, value, line, inline).items():
            if name in ADDING_FIELDS:
                fields[name] = tuple(fields.get(name, ())) + tuple(found)  # type: ignore[arg-type]
            else:
                fields[name] = found
    return fields


INFO_SETTINGS: dict[str, Callable[[Context, str, int], Fields]] = {
    "holders": lambda ctx, value, line: {"holders": roles_of(ctx, value, line)},
    "needs": lambda ctx, value, line: {"needs": tuple(needs(ctx, value, line))},
}

INJECT_SETTINGS: dict[str, Callable[[Context, str, int], Fields]] = {
    "to": lambda ctx, value, line: {"to": roles_of(ctx, value, line)},
    "reveals": lambda ctx, value, line: {"reveals": tuple(split_list(value))},
    "trigger": lambda ctx, value, line: {"trigger": trigger(ctx, value, line)},
}


def merged(
    table: Mapping[str, Callable[[Context, str, int], Fields]],
    ctx: Context,
    rows: list[tuple[str, str, int, Block]],
    adding: tuple[str, ...],
) -> Fields:
    """Read info or inject rows through a dispatch table; fields in `adding` accumulate."""
    fields: Fields = {}
    for key, value, line, _ in rows:
        for name, found in table[key](ctx, value, line).items():
            fields[name] = tuple(fields.get(name, ())) + tuple(found) if name in adding else found  # type: ignore[arg-type]
    return fields
