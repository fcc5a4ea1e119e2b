"""The scenario language's keywords, in bokmål with English aliases, mapped to canonical ids."""

from __future__ import annotations

import unicodedata


def fold(word: str) -> str:
    """Normalise a keyword for lookup so that case, spacing and Unicode form never matter."""
    return " ".join(unicodedata.normalize("NFC", word).casefold().split())


def _table(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, words in entries.items():
        for word in (canonical, *words):
            table[fold(word)] = canonical
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
        "bti": ("bti-nivå", "bti nivå", "nivå", "bti-level", "level"),
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
        "planned": ("planlagt", "forberedt", "prepared"),
        "unprepared": ("uforberedt", "spontan"),
        "with_consent": ("med samtykke",),
        "without_consent": ("uten samtykke",),
    }
)

# The legal basis stated for sharing information.
BASES = _table(
    {
        "consent": ("samtykke",),
        "duty_to_report": ("opplysningsplikt", "meldeplikt", "bvl 13-2", "hpl 33"),
        "duty_to_avert": ("avvergingsplikt", "avvergeplikt", "strl 196"),
        "anonymous": ("anonym", "anonymt", "anonymisert", "anonymous consultation"),
        "internal": ("tjenestlig behov", "intern", "innen tjenesten", "need to know"),
        "none": ("uten", "ingen", "uten grunnlag", "no basis"),
    }
)

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
