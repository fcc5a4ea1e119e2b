"""Debrief words as codes and parameters: a `Message` is a bokmål msgid plus what fills it in.

The scoring library never writes finished sentences into a report; it writes messages, and whoever
shows the report renders them in the reader's language (`render` with a gettext catalogue: the app's
Flask-Babel translations, or Python's `gettext` on the app's compiled .mo for the command line).
`N_` and `Np_` only mark msgids so Babel extracts them (see babel.cfg); they return what they get.

A parameter is plain text or a number, shown as it is (role names, scene and item titles: the
scenario's own words), a nested `Message`, or a list of those, joined as «a, b og c».
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any
from typing import Protocol


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker convention
    """Mark a msgid for extraction; the text is translated when it is rendered, not here."""
    return msgid


def Np_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - the gettext marker convention
    """Mark a singular and plural msgid pair (the count is the parameter `num`) for extraction."""
    return singular, plural


@dataclass(frozen=True)
class Message:
    """A bokmål msgid with `%(name)s` placeholders, its parameters, and the plural msgid when counted.

    `literal` marks text stored as a finished sentence by an older version: it is shown as written
    (translated only when it happens to be a msgid itself, such as a fixed question).
    """

    id: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    plural: str | None = None
    literal: bool = False
    case: str | None = None  # "upper": first letter capitalised (a sentence's start); "lower": all lower

    def __str__(self) -> str:
        return render(self)


class Catalogue(Protocol):
    """What rendering needs of a translation catalogue (gettext, Babel and Flask-Babel have it)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


BOKMAL: Catalogue = gettext.NullTranslations()
# The app's catalogues, beside this package in a checkout and in an installed wheel alike.
TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"


@cache
def catalogue(lang: str) -> Catalogue:
    """The app's catalogue for `lang` without Flask: the compiled .mo, else the .po; bokmål without either.

    For the command line (`laget scenarios score --lang en`), which must not start the web app.
    """
    if lang == "nb":
        return BOKMAL
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    if (folder / "messages.mo").is_file():
        return gettext.translation("messages", localedir=TRANSLATIONS, languages=[lang])
    if (folder / "messages.po").is_file():
        from babel.messages.mofile import write_mo  # noqa: PLC0415 - only when the .mo is not compiled
        from babel.messages.pofile import read_po  # noqa: PLC0415

        with (folder / "messages.po").open("rb") as po:
            compiled = io.BytesIO()
            write_mo(compiled, read_po(po, locale=lang))
        compiled.seek(0)
        return gettext.GNUTranslations(compiled)
    return BOKMAL


def say(msgid: str, **params: Any) -> Message:
    """A message from a marked msgid and its parameters."""
    return Message(msgid, params)


def count(pair: tuple[str, str], num: int, **params: Any) -> Message:
    """A counted message from an `Np_` pair; `num` picks the plural form and fills `%(num)d`."""
    return Message(pair[0], {"num": num, **params}, plural=pair[1])


def joined(parts: list[Any], separator: str) -> Message:
    """Parts (messages or text) shown one after the other with `separator`, each in the reader's language."""
    return Message(
        separator.join(f"%(p{i})s" for i in range(len(parts))), {f"p{i}": p for i, p in enumerate(parts)}
    )


def upper(message: Any) -> Any:
    """The message with its first letter capitalised when shown, for the start of a sentence."""
    return (
        replace(message, case="upper")
        if isinstance(message, Message)
        else str(message)[:1].upper() + str(message)[1:]
    )


def lower(message: Any) -> Any:
    """The message in lower case when shown, as a dimension's name inside a sentence."""
    return replace(message, case="lower") if isinstance(message, Message) else str(message).lower()


AND = N_("%(first)s og %(last)s")


def render(message: Message | str | None, words: Catalogue | None = None) -> str:
    """The message in the catalogue's language (bokmål without one); plain text is shown as it is."""
    if message is None:
        return ""
    if isinstance(message, str):
        return message
    words = words or BOKMAL
    if message.literal:
        text = words.gettext(message.id) if message.id else ""
    else:
        params = {name: _value(value, words) for name, value in message.params.items()}
        text = _filled(message, words, params) if params else _template(message, words)
    if message.case == "upper":
        return text[:1].upper() + text[1:]
    return text.lower() if message.case == "lower" else text


def _template(message: Message, words: Catalogue) -> str:
    if message.plural is not None:
        return words.ngettext(message.id, message.plural, int(message.params.get("num") or 0))
    return words.gettext(message.id)


def _filled(message: Message, words: Catalogue, params: Mapping[str, Any]) -> str:
    """The translation filled in; a translation that does not fit its parameters falls back to bokmål."""
    try:
        return _template(message, words) % params
    except (KeyError, ValueError, TypeError):
        return _template(message, BOKMAL) % params


def _value(value: Any, words: Catalogue) -> Any:
    if isinstance(value, Message):
        return render(value, words)
    if isinstance(value, list | tuple):
        items = [str(_value(v, words)) for v in value]
        if len(items) <= 1:
            return "".join(items)
        return words.gettext(AND) % {"first": ", ".join(items[:-1]), "last": items[-1]}
    return "" if value is None else value


def message_from_data(data: Any) -> Message | None:
    """Rebuild a stored message; a plain string (a sentence stored by an older version) becomes literal."""
    if data is None:
        return None
    if isinstance(data, Message):
        return data
    if isinstance(data, str):
        return Message(data, literal=True)
    return Message(
        id=data["id"],
        params={name: _param_from_data(value) for name, value in (data.get("params") or {}).items()},
        plural=data.get("plural"),
        literal=bool(data.get("literal", False)),
        case=data.get("case"),
    )


def _param_from_data(value: Any) -> Any:
    if isinstance(value, Mapping) and "id" in value:
        return message_from_data(value)
    if isinstance(value, list | tuple):
        return [_param_from_data(v) for v in value]
    return value
