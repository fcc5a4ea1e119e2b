"""How drill facts read to people: team-log sentences, legal bases, ratings and refusals, via gettext.

The runtime stores canonical ids (``consent``, ``report_bvt``); these tables turn them into words in
the reader's language, so the same drill reads right in bokmål, nynorsk and English.
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l

from app.i18n import gettext as _
from app.i18n import ngettext
from scenarios.model import Scenario
from scenarios.play import Rejected

BASIS_LABELS = {
    "consent": _l("samtykke"),
    "duty_to_report": _l("opplysningsplikt"),
    "duty_to_avert": _l("avvergingsplikt"),
    "task": _l("egne oppgaver (fvl. § 13 b nr. 5)"),
    "anonymous": _l("anonym drøfting"),
    "internal": _l("tjenestlig behov"),
    "none": _l("uten rettslig grunnlag"),
}

# Past-tense phrases that complete "<role> …", as in "Kontaktlærer sendte bekymringsmelding".
ACTION_PHRASES = {
    "observe": _l("observerte barnet"),
    "document": _l("dokumenterte observasjonene"),
    "consult_leader": _l("drøftet saken med leder"),
    "consult_anonymous": _l("drøftet saken anonymt med barneverntjenesten"),
    "talk_child": _l("snakket med barnet"),
    "talk_parents": _l("hadde samtale med foreldrene"),
    "request_consent": _l("ba om samtykke"),
    "report_bvt": _l("sendte bekymringsmelding til barneverntjenesten"),
    "report_police": _l("varslet politiet"),
    "refer_ppt": _l("henviste til PPT"),
    "convene_meeting": _l("kalte inn til samarbeidsmøte"),
    "open_log": _l("opprettet stafettlogg"),
    "evaluate": _l("evaluerte tiltakene"),
    "feedback_to_reporter": _l("ga tilbakemelding til melderen"),
    "close_case": _l("avsluttet saken"),
    "investigate": _l("startet undersøkelse"),
    "wait": _l("ventet"),
}

DOMAIN_LABELS = {
    "learning": _l("læring"),
    "health": _l("helse"),
    "care": _l("omsorg"),
    "social": _l("det sosiale"),
}

STATUS_LABELS = {
    "lobby": _l("Venter på start"),
    "running": _l("Pågår"),
    "paused": _l("På pause"),
    "ended": _l("Avsluttet"),
}

RATING_LABELS = {
    "good": _l("God slutt"),
    "mixed": _l("Blandet slutt"),
    "poor": _l("Svak slutt"),
}

# The HSEEP rating of a total (P, S, M, U), as the debrief spells it out.
TOTAL_RATING_LABELS = {
    "P": _l("Gjennomført uten utfordringer"),
    "S": _l("Gjennomført med noen utfordringer"),
    "M": _l("Gjennomført med store utfordringer"),
    "U": _l("Ikke gjennomført"),
}

# The scoring dimensions, by the names the scoring library gives them.
DIMENSION_LABELS = {
    "escalation": _l("Tidlig og riktig eskalering"),
    "information": _l("Lovlig informasjonsdeling"),
    "ownership": _l("Tydelig eierskap"),
    "child_voice": _l("Barnets stemme"),
    "parents": _l("Foreldresamarbeid"),
    "follow_up": _l("Oppfølging og avslutning"),
    "alignment": _l("Samstemthet og felles bilde"),
}

# Refusals people can act on, in their own language; other codes fall back to the runtime's text.
REFUSALS = {
    "already_chosen": _l("Du har allerede valgt i denne scenen. Det første valget står."),
    "already_answered": _l("Du har allerede svart på dette spørsmålet."),
    "stale": _l("Scenen har gått videre, så valget ble ikke registrert. Se den nye scenen."),
    "not_available": _l("Det valget er ikke mulig akkurat nå."),
    "not_active": _l("Rollen din skal ikke velge i denne scenen."),
    "ended": _l("Øvelsen er avsluttet."),
    "lobby": _l("Øvelsen har ikke startet ennå. Vent til fasilitator starter."),
    "paused": _l("Øvelsen er satt på pause. Vent til fasilitator fortsetter."),
    "inject_fired": _l("Hendelsen er allerede utløst."),
    "unknown_choice": _l("Valget finnes ikke i denne scenen."),
    "unknown_option": _l("Velg ett av svaralternativene."),
    "unknown_checkpoint": _l("Spørsmålet hører ikke til denne scenen."),
}


def refusal_text(rejection: Rejected, locale: str) -> str:
    """Say why an event was refused, in the reader's language."""
    known = REFUSALS.get(rejection.code)
    return str(known) if known is not None else rejection.message("en" if locale == "en" else "nb")


def role_name(scenario: Scenario, role_id: str | None) -> str:
    """The role's name as the scenario spells it, or the id for roles the scenario does not know."""
    role = scenario.role(role_id) if role_id else None
    return role.name if role else (role_id or "")


def role_names(scenario: Scenario, role_ids: list[str]) -> str:
    """Several role names as one readable list."""
    return ", ".join(role_name(scenario, role) for role in role_ids)


def basis_label(basis: str | None) -> str:
    """The legal basis for a share, in words."""
    return str(BASIS_LABELS.get(basis or "", basis or ""))


def status_label(status: str) -> str:
    """A drill's status in words."""
    return str(STATUS_LABELS.get(str(status), str(status)))


def rating_label(rating: str | None) -> str:
    """How an ending rates the team's work, in words (never only a colour)."""
    return str(RATING_LABELS.get(rating or "", rating or ""))


def total_rating_label(rating: str | None) -> str:
    """The words for a total's HSEEP rating letter, or "" without one."""
    return str(TOTAL_RATING_LABELS.get(rating or "", ""))


def dimension_label(name: str) -> str:
    """A scoring dimension's name in words; an unknown one keeps its id."""
    return str(DIMENSION_LABELS.get(name, name))


def day_label(day: int | None) -> str:
    """The day in the case, as in "Dag 7"."""
    return _("Dag %(day)s", day=day if day is not None else 0)


UNDER_A_MINUTE = -1


def clock(seconds: int | None) -> int | None:
    """What ``time_left`` shows, in no language: None (no timer), 0 (time is up), ``UNDER_A_MINUTE``, or
    whole minutes rounded up. ETags are made from this, so an unchanged poll needs no translation."""
    if seconds is None:
        return None
    if seconds <= 0:
        return 0
    return UNDER_A_MINUTE if seconds < 60 else math.ceil(seconds / 60)


def time_left(seconds: int | None) -> str:
    """Time left on a timer, rounded up to whole minutes, as in "4 min igjen"."""
    minutes = clock(seconds)
    if minutes is None:
        return ""
    if minutes == 0:
        return _("Tiden er ute")
    if minutes == UNDER_A_MINUTE:
        return _("Under 1 min igjen")
    return _("%(minutes)d min igjen", minutes=minutes)


def duration(seconds: float | None) -> str:
    """A short duration, as in "2 min 5 s"."""
    if seconds is None:
        return ""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s", minutes=minutes, seconds=rest)
    return _("%(seconds)d s", seconds=rest)


def waiting_text(count: int) -> str:
    """How many others the team is waiting for, without saying what anyone chose."""
    return ngettext("Venter på %(num)d annen", "Venter på %(num)d andre", count)


def describe_entry(scenario: Scenario, entry: dict[str, Any]) -> str:
    """Turn one team-log entry into a sentence."""
    kind = entry.get("kind")
    role = role_name(scenario, entry.get("role"))
    if kind == "message":
        return _("Melding fra fasilitator: %(text)s", text=entry.get("text", ""))
    if kind == "scene_started":
        scene = scenario.scene(entry.get("scene", ""))
        title = scene.title if scene else entry.get("scene", "")
        return _("Scenen «%(scene)s» begynte, dag %(day)s.", scene=title, day=entry.get("day"))
    if kind == "chose":
        scene = scenario.scene(entry.get("scene", ""))
        choice = scene.choice(entry.get("role", ""), entry.get("choice", "")) if scene else None
        label = choice.label if choice else entry.get("choice", "")
        return _("%(role)s valgte «%(choice)s».", role=role, choice=label)
    if kind == "shared":
        info = scenario.info(entry.get("info", ""))
        return _(
            "%(role)s delte «%(info)s» med %(to)s (%(basis)s).",
            role=role,
            info=info.title if info else entry.get("info", ""),
            to=role_names(scenario, entry.get("to", [])),
            basis=basis_label(entry.get("basis")),
        )
    if kind == "share_unknown":
        info = scenario.info(entry.get("info", ""))
        title = info.title if info else entry.get("info", "")
        return _("%(role)s ville dele «%(info)s», men kjente ikke opplysningen.", role=role, info=title)
    if kind == "bti_changed":
        return _(
            "%(role)s endret BTI-nivået fra %(old)s til %(new)s.",
            role=role,
            old=entry.get("old"),
            new=entry.get("new"),
        )
    if kind == "action":
        phrase = ACTION_PHRASES.get(entry.get("action", ""))
        if phrase is None:
            return _("%(role)s: %(action)s.", role=role, action=entry.get("action", ""))
        return _("%(role)s %(action)s.", role=role, action=phrase)
    if kind == "measure":
        domain = DOMAIN_LABELS.get(entry.get("domain", ""), entry.get("domain", ""))
        if entry.get("shared"):
            return _(
                "%(role)s satte i gang et tiltak for %(domain)s i en felles plan.", role=role, domain=domain
            )
        return _("%(role)s satte i gang et tiltak for %(domain)s.", role=role, domain=domain)
    if kind == "follow_up":
        days = entry.get("days") or 0
        return ngettext(
            "%(role)s satte oppfølging om %(num)d dag.",
            "%(role)s satte oppfølging om %(num)d dager.",
            days,
            role=role,
        )
    if kind == "baton_proposed":
        return _(
            "%(role)s foreslo at %(to)s tar stafetten.", role=role, to=role_name(scenario, entry.get("to"))
        )
    if kind == "baton_taken":
        if entry.get("parallel"):
            return _("%(role)s tok stafetten, men andre holder den også.", role=role)
        return _("%(role)s tok stafetten.", role=role)
    if kind == "baton_accepted":
        return _(
            "%(role)s tok imot stafetten fra %(giver)s.",
            role=role,
            giver=role_name(scenario, entry.get("from_role")),
        )
    if kind == "baton_released":
        return _("%(role)s ga fra seg stafetten.", role=role)
    if kind == "baton_accept_unmatched":
        return _("%(role)s ville ta imot stafetten, men ingen hadde gitt den videre.", role=role)
    if kind == "not_acted":
        if entry.get("reason") == "timeout":
            return _("%(role)s handlet ikke før tiden var ute.", role=role)
        return _("%(role)s handlet ikke før fasilitator gikk videre.", role=role)
    if kind == "inject":
        inject = scenario.inject(entry.get("inject", ""))
        return _("Hendelse: %(title)s.", title=inject.title if inject else entry.get("inject", ""))
    if kind == "ended":
        ending = scenario.ending(entry.get("ending") or "")
        if ending is None:
            return _("Øvelsen er slutt.")
        return _("Øvelsen er slutt: %(title)s.", title=ending.title)
    return _("%(role)s: %(what)s.", role=role or _("Teamet"), what=kind)
