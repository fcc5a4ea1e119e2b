"""The scenario language's keywords, in bokmål with English aliases, mapped to canonical ids."""

from __future__ import annotations

import unicodedata


def fold(word: str) -> str:
    """Normalise a keyword for lookup so that case, spacing and Unicode form never matter."""
    return " ".join(unicodedata.normalize("NFC", word).casefold().split())


class _Table(dict):
    """A lookup from every folded word to its canonical id, remembering the word shown to authors."""

    names: list[str]


def names(table: dict[str, str]) -> list[str]:
    """The word authors are shown for each canonical id: its first (Norwegian) word, in table order."""
    return list(getattr(table, "names", table))


def _table(entries: dict[str, tuple[str, ...]]) -> _Table:
    table = _Table()
    for canonical, words in entries.items():
        for word in (canonical, *words):
            table[fold(word)] = canonical
    table.names = [words[0] if words else canonical for canonical, words in entries.items()]
    return table


# Top-level (H1) sections. Scenes, injects, endings and checkpoints use "Kind: Title".
SECTIONS = _table(
    {
        "introduction": ("innledning", "introduksjon", "intro"),
        "information": ("opplysninger", "info"),
        "scene": ("scene",),
        "inject": ("hendelse", "innspill", "event"),
        "ending": ("slutt", "avslutning", "end"),
    }
)

# H2 sections inside a scene (besides the role sections).
SCENE_PARTS = _table(
    {
        "transitions": ("videre", "overganger", "next"),
        "checkpoint": ("sjekkpunkt",),
    }
)

# Keys of the settings list under a choice.
CHOICE_KEYS = _table(
    {
        "requires": ("krever", "når"),
        "set": ("setter", "sett"),
        "bti": ("BTI", "bti-nivå", "bti nivå", "nivå", "bti-level", "level"),
        "share": ("deler", "del"),
        "baton": ("stafett", "stafettholder", "eierskap", "ownership"),
        "action": ("handling", "handlinger", "actions"),
        "measure": ("tiltak",),
        "follow_up": ("oppfølging", "follow-up", "followup"),
        "assessment": ("vurdering", "vurderinger"),
        "plan": ("retning", "strategi", "strategy"),
        "feedback": ("tilbakemelding",),
        "law": ("hjemmel", "hjemler", "lov", "laws"),
    }
)

# Keys of the settings list under an information item.
INFO_KEYS = _table(
    {
        "holders": ("kjent av", "kjenner", "holder", "known by", "held by"),
        "needs": ("trengs av", "behov", "needed by"),
    }
)

# Keys of the settings list under an inject.
INJECT_KEYS = _table(
    {
        "to": ("til", "mottakere", "recipients"),
        "trigger": ("utløses", "når", "when"),
        "reveals": ("avdekker", "gir", "reveal"),
    }
)

# Words used inside the inject trigger setting.
TRIGGER_WORDS = _table(
    {
        "manual": ("manuelt", "manuell", "fasilitator", "facilitator"),
        "scene": ("i", "in", "ved"),
        "after": ("etter",),
        "minutes": ("min", "minutt", "minutter", "minute"),
    }
)

# Expert annotations: the coordination dimensions a choice bears on.
DIMENSIONS = _table(
    {
        "escalation": ("eskalering", "tidlig eskalering", "timeliness"),
        "information": ("informasjon", "informasjonsdeling", "deling", "sharing"),
        "ownership": ("eierskap", "stafett", "ansvar"),
        "child_voice": ("stemme", "barnets stemme", "barnet", "voice", "child"),
        "parents": ("foreldre", "foresatte", "foreldresamarbeid"),
        "follow_up": ("oppfølging", "oppfolging", "followup", "follow-up"),
        "alignment": ("samstemthet", "felles bilde", "samordning"),
    }
)

# What a choice does in the case, beyond flags: the events the scoring module reads.
ACTIONS = _table(
    {
        "observe": ("observere", "observasjon"),
        "document": ("dokumentere", "dokumentasjon"),
        "consult_leader": ("drøfte-leder", "drøfte med leder", "leder"),
        "consult_anonymous": ("anonym-drøfting", "anonym drøfting", "drøfte anonymt"),
        "talk_child": ("samtale-barn", "barnesamtale", "samtale med barnet"),
        "talk_parents": ("samtale-foreldre", "foreldresamtale", "samtale med foreldrene"),
        "request_consent": ("samtykke", "innhente-samtykke", "be om samtykke"),
        "report_bvt": ("melding-bvt", "bekymringsmelding", "melding til barnevernet"),
        "report_police": ("melding-politi", "politi", "anmeldelse", "varsle politiet"),
        "refer_ppt": ("henvisning-ppt", "henvise til ppt", "henvisning"),
        "convene_meeting": ("samarbeidsmøte", "møte", "tverrfaglig møte"),
        "open_log": ("stafettlogg", "opprette stafettlogg"),
        "evaluate": ("evaluering", "evaluere", "evalueringsmøte"),
        "feedback_to_reporter": ("tilbakemelding-melder", "tilbakemelding til melder"),
        "close_case": ("avslutte", "avslutning", "lukke saken"),
        "investigate": ("undersøkelse", "undersøke", "investigation"),
        "wait": ("vente", "avvente", "vent"),
    }
)

# Qualifiers that may follow an action in parentheses, e.g. "samtale-barn (åpne spørsmål)".
ACTION_TAGS = _table(
    {
        "open_questions": ("åpne spørsmål", "åpen", "open"),
        "leading_questions": ("ledende", "ledende spørsmål", "leading"),
        "sbar": (),
        "check_back": ("bekreftet", "tilbakemelding gitt", "closed loop"),
        "planned": ("forberedt", "planlagt", "prepared"),
        "unprepared": ("uforberedt", "spontan"),
        "with_consent": ("med samtykke",),
        "without_consent": ("uten samtykke",),
        # A talk with the child: supportive (listening, caring) or investigative (asking about what
        # happened). Only investigative talks count as repeated interviews; the ids stay Norwegian.
        "støttende": ("støttende", "støttande", "supportive"),
        "utforskende": ("utforskende", "utforskande", "investigative", "exploratory"),
    }
)

# The two kinds of talk with the child; `samtale-barn` should carry one of them.
TALK_KINDS = ("støttende", "utforskende")

# The legal basis stated for sharing information.
BASES = _table(
    {
        "consent": ("samtykke",),
        "duty_to_report": ("opplysningsplikt", "meldeplikt", "bvl 13-2", "hpl 33"),
        "duty_to_avert": ("avvergingsplikt", "avvergeplikt", "avverging", "strl 196"),
        # fvl. § 13 b første ledd nr. 5: to another public body when needed for the discloser's own tasks.
        "task": ("oppgave", "egne oppgaver", "fvl 13 b nr 5"),
        "anonymous": ("anonym", "anonymt", "anonymisert", "anonymous consultation"),
        "internal": ("tjenestlig behov", "intern", "innen tjenesten", "need to know"),
        "none": ("uten", "ingen", "uten grunnlag", "no basis"),
    }
)

# Receivers outside the team that a choice may share with, written like roles in `Deler:`.
EXTERNAL_RECIPIENTS = ("foreldre", "politi", "bup", "fastlege", "nav")

# Sensitivity of an information item: which confidentiality regime protects it.
SENSITIVITIES = _table(
    {
        "general": ("vanlig", "alminnelig", "ordinary"),
        "personal": ("personlig", "taushetsbelagt", "fvl", "confidential"),
        "health": ("helse", "helseopplysning", "helsepersonelloven", "hpl"),
        "child_welfare": ("barnevern", "bvl"),
        "abuse": ("vold", "overgrep", "violence"),
    }
)

# Domains of a measure, to detect parallel measures in the same domain.
DOMAINS = _table(
    {
        "learning": ("læring", "skole", "pedagogisk", "school"),
        "health": ("helse",),
        "care": ("omsorg", "hjem", "family", "familie"),
        "social": ("sosialt", "fritid", "venner"),
    }
)

BATON = _table(
    {
        "propose": ("foreslår", "foreslå", "gir til", "overleverer", "hand over"),
        "accept": ("tar imot", "aksepterer", "godtar"),
        "take": ("tar", "påtar seg", "tar selv", "claims"),
        "release": ("gir fra seg", "slipper", "frasier seg"),
    }
)

RATINGS = _table(
    {
        "good": ("god", "bra", "best"),
        "mixed": ("middels", "blandet", "delvis", "partial"),
        "poor": ("dårlig", "svak", "bad"),
    }
)

# Attribute classes: `{#id .ekspert}` marks the expert path, `{.passiv}` a role that only reads.
FLAGS = _table(
    {
        "expert": ("ekspert", "anbefalt", "recommended"),
        "passive": ("passiv", "leser", "readonly"),
        "correct": ("riktig", "rett", "right"),
    }
)

# Words inside the condition language.
CONDITION_WORDS = _table(
    {
        "and": ("og",),
        "or": ("eller",),
        "not": ("ikke",),
        "chose": ("valgte", "valgt"),
        "knows": ("vet", "kjenner"),
        "true": ("sant", "ja"),
        "false": ("usant", "nei"),
    }
)

OTHERWISE = _table({"otherwise": ("ellers", "else", "default")})
IF = _table({"if": ("hvis", "når", "dersom", "when")})

# Built-in names in conditions: the team's BTI level and the current baton holder.
BUILTIN_NAMES = {"bti": "bti", "eier": "owner", "stafettholder": "owner", "owner": "owner"}
NOBODY = _table({"nobody": ("ingen", "none")})

# The service a role belongs to: legal judgements and scoring read this, never the role id.
SERVICES = ("skole", "barnehage", "ppt", "barnevern", "helse", "leder", "annet")

# Words in a role's id or name that suggest its service, most specific first (for the checker's hint).
_SERVICE_WORDS = (
    ("barnevern", ("barnevern", "bvt", "barnevernet")),
    ("ppt", ("ppt", "pedagogisk-psykologisk")),
    ("helse", ("helse", "sykepleier", "lege", "jordmor", "psykolog", "fysioterapeut", "tannlege")),
    ("barnehage", ("barnehage", "styrer", "pedagogisk leder", "pedagogisk-leder", "barnehagelærer")),
    ("leder", ("rektor", "leder", "inspektør", "avdelingsleder", "kommunalsjef")),
    ("skole", ("lærer", "laerer", "skole", "miljøarbeider", "assistent", "rådgiver", "spesialpedagog")),
)


def guess_service(*words: str) -> str | None:
    """The service a role's id or name most likely means, to propose in a hint; None if nothing fits."""
    text = " ".join(fold(w).replace("_", "-") for w in words)
    for service, clues in _SERVICE_WORDS:
        if any(clue in text for clue in clues):
            return service
    return None


# Display names of the canonical ids, used in messages and outlines.
DIMENSION_LABELS = {
    "escalation": "Tidlig og riktig eskalering",
    "information": "Lovlig informasjonsdeling",
    "ownership": "Tydelig eierskap",
    "child_voice": "Barnets stemme",
    "parents": "Foreldresamarbeid",
    "follow_up": "Oppfølging og avslutning",
    "alignment": "Samstemthet og felles bilde",
}
