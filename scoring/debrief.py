"""Turn a scored drill into a PEARLS debrief: findings as data, each citing its evidence.

Order (Eppich & Cheng 2015, with advocacy-inquiry from Rudolph et al.):

1. reactions   – fixed opening questions, so the team can let off steam before analysing;
2. description – a summary of the case and a timeline, one line per visited scene;
3. analysis    – critical errors first, then the two scenes where the roles were most split beyond
                 what the expert path intends (excess plan entropy), then an advocacy-inquiry finding
                 for each of the three weakest dimensions below 85 (observation with day and scene,
                 the facilitator's concern, a curious question), then plus/delta per role;
4. summary     – two or three take-aways, and an HSEEP improvement plan (area, action, owner) for
                 every dimension rated M or U.

Every sentence is a `Message`: a bokmål msgid marked with `N_` (so Babel extracts it into the app's
catalogue) and its parameters, so a stored report is shown in the reader's language. Parameters from
the scenario (role names, scene, item and ending titles, choice labels) stay as the author wrote them.
The child is called by the front matter's `child:` key, else «barnet» («the child» in English); the name
is never guessed from the scenario's prose, where a sibling or a friend may be named first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from scenarios.model import Choice
from scenarios.model import Scenario
from scoring.annotations import relative_value
from scoring.composite import RATING_LABELS
from scoring.messages import N_
from scoring.messages import Message
from scoring.messages import Np_
from scoring.messages import count
from scoring.messages import joined
from scoring.messages import lower
from scoring.messages import say
from scoring.messages import upper
from scoring.model import CRITICAL
from scoring.model import DIMENSION_LABELS
from scoring.model import DIMENSION_NAMES
from scoring.model import Debrief
from scoring.model import DebriefPhase
from scoring.model import DimensionScore
from scoring.model import Evidence
from scoring.model import Finding
from scoring.model import Flag
from scoring.model import ImprovementPoint
from scoring.model import Report
from scoring.timeline import Timeline

# What is filled into a sentence: plain text (the scenario's own words), a number, a message, a list.
Words = str | int | Message | list

PHASE_TITLES = {
    "reactions": N_("Reaksjoner"),
    "description": N_("Beskrivelse"),
    "analysis": N_("Analyse"),
    "summary": N_("Oppsummering"),
}

DAYS = Np_("%(num)d dag", "%(num)d dager")
SCENES = Np_("%(num)d scene", "%(num)d scener")

ACTION_TEXT = {
    "observe": N_("observerte"),
    "document": N_("dokumenterte"),
    "consult_leader": N_("drøftet med leder"),
    "consult_anonymous": N_("drøftet saken anonymt med barneverntjenesten"),
    "talk_child": N_("snakket med barnet"),
    "talk_parents": N_("snakket med foreldrene"),
    "request_consent": N_("ba om samtykke"),
    "report_bvt": N_("sendte bekymringsmelding til barneverntjenesten"),
    "report_police": N_("varslet politiet"),
    "refer_ppt": N_("henviste til PPT"),
    "convene_meeting": N_("kalte inn til samarbeidsmøte"),
    "open_log": N_("opprettet stafettlogg"),
    "evaluate": N_("evaluerte tiltakene"),
    "feedback_to_reporter": N_("ga tilbakemelding til melder"),
    "close_case": N_("avsluttet saken"),
    "investigate": N_("startet undersøkelse"),
}

ACTION_NOUN = {
    "report_bvt": N_("bekymringsmelding til barneverntjenesten"),
    "report_police": N_("varsel til politiet"),
    "talk_child": N_("samtale med barnet"),
    "talk_parents": N_("samtale med foreldrene"),
    "request_consent": N_("spørsmål om samtykke"),
    "consult_anonymous": N_("anonym drøfting"),
    "convene_meeting": N_("samarbeidsmøte"),
    "open_log": N_("stafettlogg"),
    "evaluate": N_("evaluering"),
    "feedback_to_reporter": N_("tilbakemelding til melder"),
    "close_case": N_("avslutning av saken"),
    "investigate": N_("undersøkelse"),
    "refer_ppt": N_("henvisning til PPT"),
    "measure": N_("tiltak"),
}

DOMAIN_TEXT = {
    "learning": N_("læring"),
    "health": N_("helse"),
    "care": N_("omsorg"),
    "social": N_("det sosiale"),
}
OUTCOME_TEXT = {"good": N_("god"), "mixed": N_("middels"), "poor": N_("svak")}

BATON_TEXT = {
    "take": N_("tok stafetten"),
    "accept": N_("tok imot stafetten"),
    "release": N_("ga fra seg stafetten"),
}

REACTIONS = (
    N_("Hvordan har dere det nå, rett etter øvelsen?"),
    N_("Hva var det første du tenkte da dere fikk slutten «%(ending)s»?"),
    N_("Var det et øyeblikk der du ønsket at du visste hva de andre rollene tenkte?"),
)

TAKEAWAYS = {
    "unlawful_disclosure": N_(
        "Del bare med samtykke eller et annet rettslig grunnlag, og fortell barnet hva som deles."
    ),
    "missed_report": N_("Opplysningsplikten krever grunn til å tro, ikke bevis: meld når terskelen er nådd."),
    "parents_confronted_first": N_(
        "Ved mistanke om vold fra en omsorgsperson: meld først, og la barneverntjenesten og politiet "
        "avgjøre når foreldrene får vite."
    ),
}

IMPROVEMENT_ACTIONS = {
    "escalation": N_("Gå gjennom meldeterskelen (bvl. § 13-2) sammen, og avtal hvem som melder og når."),
    "information": N_("Lag en rutine for samtykke og deling: hva deles, med hvem og på hvilket grunnlag."),
    "ownership": N_("Avtal stafettholder i første møte, og bekreft hver overlevering i stafettloggen."),
    "child_voice": N_("Avtal hvem som snakker med barnet, og bruk åpne spørsmål."),
    "parents": N_("Forbered bekymringssamtalen med konkrete observasjoner, og hold den innen fristen."),
    "parents_abuse": N_(
        "Øv på rekkefølgen ved mistanke om vold: meld først, foreldrene informeres etter samråd."
    ),
    "follow_up": N_("Sett evalueringsdato for hvert tiltak, og gi melderen tilbakemelding."),
    "alignment": N_("Bruk korte avklaringer underveis, så alle har samme bilde av nivå og terskel."),
}

STRONG = 85.0  # dimensions at or above this are not analysed as weaknesses (HSEEP P)
NEUTRAL = 50.0  # a "best" dimension must at least rise above neutral to be praised
INCOMPLETE_TAKEAWAY = N_(
    "Øvelsen ble avsluttet før saken nådde en slutt: skårene gjelder bare det som ble spilt, "
    "og øvelsen teller ikke med i sammenligninger."
)

UNLAWFUL_BASIS = {
    "duty_to_report_wrong_recipient": N_(
        "med opplysningsplikten som grunnlag, men den gjelder bare overfor barneverntjenesten"
    ),
    "avert_wrong_recipient": N_(
        "med avvergingsplikten som grunnlag, men den gjelder overfor politiet, barneverntjenesten "
        "eller den som kan avverge"
    ),
    "internal_other_service": N_("på tjenestlig behov, men til en annen tjeneste"),
    "health_outside_care": N_("selv om helseopplysninger bare kan deles med dem som gir helsehjelp"),
}
BASIS_BEFORE_CONSENT = N_("før samtykke var innhentet")
BASIS_NONE = N_("uten samtykke eller annet grunnlag")

# How the debrief names the receivers outside the team.
EXTERNAL_NAMES = {
    "foreldre": N_("foreldrene"),
    "politi": N_("politiet"),
    "bup": N_("BUP"),
    "fastlege": N_("fastlegen"),
    "nav": N_("NAV"),
}
NOBODY = N_("Ingen")

# A low-sensitivity slip between public services is a warning: the concern and question differ.
MINOR_DISCLOSURE = (
    N_(
        "Opplysningen var lite sensitiv, og den kunne vært delt for tjenestens egne oppgaver "
        "(fvl. § 13 b første ledd nr. 5) etter en vurdering av om det var nødvendig."
    ),
    N_("Hvordan vurderte du om det var nødvendig å dele, og hvor skrev du det ned?"),
)

# Advocacy-inquiry per flag: (observation, concern, question), filled in by `_Writer.flag_values`.
FLAG_WORDS: dict[str, tuple[str, str, str]] = {
    "unlawful_disclosure": (
        N_("%(who)s delte %(titles)s med %(to)s %(basis)s (%(when)s)."),
        N_("Jeg er bekymret for at %(child)s da mister tilliten til de voksne rundt seg."),
        N_("Hva gjorde at det føltes riktig å dele da?"),
    ),
    "missed_report": (
        N_("Ingen %(reported)s, selv om terskelen var nådd fra %(when)s."),
        N_("Jeg er bekymret for at %(child)s da ble stående uten beskyttelse mens alle ventet."),
        N_("Hva trengte dere for å være trygge nok til å melde?"),
    ),
    "parents_confronted_first": (
        N_(
            "%(who)s tok det opp med foreldrene før noen hadde meldt til barneverntjenesten "
            "eller politiet (%(when)s)."
        ),
        N_("Jeg er bekymret for at %(child)s da kan bli utsatt for mer press, og at bevis går tapt."),
        N_("Hva tenkte du om risikoen for %(child)s da du valgte å snakke med foreldrene først?"),
    ),
    "police_not_consulted": (
        N_("%(who)s drøftet ikke saken med politiet, selv om scenarioet la opp til det fra %(when)s."),
        N_(
            "Dette er praksis, ikke et lovkrav her, men jeg lurer på om %(child)s kunne fått et bedre "
            "samordnet forløp med politiet med."
        ),
        N_("Hva visste dere om når barneverntjenesten bør drøfte en sak med politiet?"),
    ),
    "late_police_consultation": (
        N_("%(who)s drøftet saken med politiet %(when)s, %(late_days)s etter at det var lagt opp til."),
        N_("Jeg lurer på om det hadde gjort planleggingen lettere å ha politiet med tidligere."),
        N_("Hva fikk dere til å ta kontakt med politiet da?"),
    ),
    "parents_health": (
        N_("%(who)s ga foreldrene helseopplysninger om %(child)s (%(when)s)."),
        N_("Jeg lurer på om %(child)s ønsket det, og om grunnene var av et slag som burde respekteres."),
        N_("Hvordan snakket du med %(child)s om hva foreldrene skulle få vite?"),
    ),
    "parents_told_before_police": (
        N_("%(who)s informerte foreldrene før politiet var varslet (%(when)s)."),
        N_("Jeg er bekymret for at etterforskningen da kunne bli skadet."),
        N_("Hvordan tenkte dere om rekkefølgen mellom politiet og foreldrene?"),
    ),
    "late_report": (
        N_("%(who)s %(did)s %(when)s, %(late_days)s etter fristen."),
        N_("Jeg er bekymret for at %(child)s da bar situasjonen alene lenger enn nødvendig."),
        N_("Hva gjorde at det tok tid før dere meldte?"),
    ),
    "early_escalation": (
        N_(
            "%(who)s %(did)s allerede %(when)s, før det var ventet og uten samtykke eller anonym "
            "drøfting først."
        ),
        N_(
            "Jeg er bekymret for at familien da møter hjelpeapparatet som en trussel, "
            "og at samarbeidet blir vanskeligere."
        ),
        N_("Hva ville du trengt for å drøfte saken anonymt eller snakke med foreldrene først?"),
    ),
    "personal_duty": (
        N_("%(who)s meldte ikke selv; det var %(done_by)s som sendte %(thing)s."),
        N_(
            "Jeg er bekymret for at det %(who)s visste, da ikke nådde barneverntjenesten; "
            "meldeplikten er personlig."
        ),
        N_("Hvordan tenkte du om din egen meldeplikt da en annen rolle meldte?"),
    ),
    "confidentiality_as_excuse": (
        N_(
            "%(who)s delte ikke %(title)s med %(needed_by)s innen fristen, selv om et lovlig valg for "
            "det sto åpent (%(when)s; %(law)s)%(arrived)s."
        ),
        N_("Jeg er bekymret for at %(needed_by)s da måtte handle uten en viktig del av bildet."),
        N_("Hva holdt deg tilbake fra å dele?"),
    ),
    "parallel_ownership": (
        N_("%(owners)s holdt stafetten samtidig (%(when)s)."),
        N_("Jeg er bekymret for at familien da ikke vet hvem de skal forholde seg til."),
        N_("Hvordan ble dere enige om hvem som skulle holde stafetten?"),
    ),
    "parallel_measures": (
        N_("%(roles)s satte i gang hvert sitt tiltak innen %(domain)s uten felles plan."),
        N_("Jeg er bekymret for at familien da må samordne tjenestene selv – hver sin sandsekk."),
        N_("Hva ville gjort det lettere å samle tiltakene i én plan?"),
    ),
    "dropped_baton": (
        N_("%(who)s ga fra seg stafetten uten at noen tok den imot (%(when)s)."),
        N_("Jeg er bekymret for at oppfølgingen da fikk et brudd."),
        N_("Hvordan sikrer dere at en overlevering faktisk blir tatt imot?"),
    ),
    "leading_questions": (
        N_("%(who)s stilte %(child)s ledende spørsmål (%(when)s)."),
        N_("Jeg er bekymret for at det kan legge ord i munnen på %(child)s og svekke et senere avhør."),
        N_("Hva ønsket du å finne ut, og hvem kunne spurt på en tryggere måte?"),
    ),
    "repeated_interviews": (
        N_(
            "Flere voksne spurte %(child)s ut: %(roles)s; %(who)s gjorde det uten at samtalene var "
            "samordnet (%(when)s)."
        ),
        N_("Jeg er bekymret for at %(child)s da måtte fortelle på nytt, og at forklaringen blir påvirket."),
        N_("Hvordan kunne dere ha avtalt hvem som snakker med %(child)s?"),
    ),
}
DROPPED_NOT_ACCEPTED = N_("%(who)s foreslo %(to)s som stafettholder, men overleveringen ble aldri tatt imot.")
UNKNOWN_FLAG = "%(who)s: %(code)s (%(when)s)."  # not a sentence to translate: a code, for authors
UNKNOWN_FLAG_QUESTION = N_("Hva tenkte du der?")

# The concern and question of a weak dimension without a telling flag, by dimension.
DIMENSION_CONCERNS = {
    "escalation": N_("Jeg er bekymret for at %(child)s da ventet lenger enn nødvendig på hjelp."),
    "information": N_("Jeg er bekymret for at beslutningene da ble tatt uten hele bildet."),
    "ownership": N_("Jeg er bekymret for at ingen da hadde oversikten, og at familien måtte samordne selv."),
    "child_voice": N_("Jeg er bekymret for at %(child)ss egne ord da ikke kom med i beslutningene."),
    "parents": N_(
        "Jeg er bekymret for at samarbeidet med foreldrene da ble vanskeligere enn det trengte å bli."
    ),
    "follow_up": N_("Jeg er bekymret for at ingen da vet om tiltakene virket."),
    "alignment": N_("Jeg lurer på om dere hadde samme bilde av situasjonen."),
}
DIMENSION_QUESTIONS = {
    "escalation": N_("Hva gjorde at dere ventet – eller skyndte dere?"),
    "information": N_("Hva var det som gjorde deling vanskelig her?"),
    "ownership": N_("Hvem opplevde dere at hadde ansvaret for saken da?"),
    "child_voice": N_("Hvordan tenkte dere om å høre %(child)s før dere bestemte dere?"),
    "parents": N_("Hva ville gjort det lettere å ta samtalen med foreldrene?"),
    "follow_up": N_("Hvordan hadde dere tenkt å følge opp det dere satte i gang?"),
    "alignment": N_("Hva var det dere så ulikt?"),
}
DIMENSION_CONCERN = N_("Jeg er bekymret for %(label)s.")
DIMENSION_QUESTION = N_("Hva tenkte dere der?")

CHILD = N_("barnet")
CHILD_WORDS = {"nb": "barnet", "nn": "barnet", "en": "the child"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def child_name(scenario: Scenario, lang: str = "nb") -> str:
    """What the debrief calls the child: the front matter's `child:`, else «barnet» in the language asked."""
    return scenario.meta.child or CHILD_WORDS.get(lang, CHILD_WORDS["nb"])


def quoted(title: Any) -> Message:
    """A title from the scenario in the reader's quotation marks: «…» in Norwegian, “…” in English."""
    return say(N_("«%(title)s»"), title=str(title))


def counted(number: int, pair: tuple[str, str]) -> Message:
    """A number with its noun in the right form, as in "1 scene" and "3 scener" (never "1 scener")."""
    return count(pair, number)


def _used(template: str, values: Mapping[str, Words]) -> dict[str, Words]:
    """The values a template fills in, so a stored message keeps only the parameters it shows."""
    return {name: values[name] for name in PLACEHOLDER.findall(template) if name in values}


class _Writer:
    """Holds the scenario, timeline and report while the findings are written."""

    def __init__(self, scenario: Scenario, timeline: Timeline, report: Report) -> None:
        self.scenario = scenario
        self.timeline = timeline
        self.report = report
        self.child: Words = scenario.meta.child or say(CHILD)

    # -- words -----------------------------------------------------------------------------------

    def name(self, role: str | None) -> Words:
        if role in EXTERNAL_NAMES:
            return say(EXTERNAL_NAMES[role])
        return self.timeline.role_name(role) if role else say(NOBODY)

    def names(self, roles) -> list[Words]:
        return [self.name(r) for r in roles]

    def when(self, day: int | None, scene: str | None) -> Words:
        found = self.scenario.scene(scene) if scene else None
        if day is not None and found is not None:
            return say(N_("dag %(day)s, «%(scene)s»"), day=day, scene=found.title)
        if day is not None:
            return say(N_("dag %(day)s"), day=day)
        return quoted(found.title) if found is not None else ""

    def info(self, info_id: str) -> str:
        found = self.scenario.info(info_id)
        return found.title if found else info_id

    def action(self, action: str) -> Words:
        if action.startswith("bti:"):
            return say(N_("BTI-nivå %(level)s"), level=action[4:])
        return say(ACTION_NOUN[action]) if action in ACTION_NOUN else action

    def say(self, template: str, **values: Words) -> Message:
        """A message that may name the child."""
        return say(template, **_used(template, {"child": self.child, **values}))

    # -- findings --------------------------------------------------------------------------------

    def advocacy(
        self,
        phase: str,
        kind: str,
        observation: Message,
        consequence: Message | None,
        inquiry: Message | None,
        *,
        evidence: tuple[Evidence, ...] = (),
        role: str | None = None,
        dimension: str | None = None,
        severity: str | None = None,
        rule: str = "",
    ) -> Finding:
        return Finding(
            phase=phase,
            kind=kind,
            evidence=evidence,
            role=role,
            dimension=dimension,
            severity=severity,
            observed=observation,
            concern=consequence,
            question=inquiry,
            rule=rule,
        )

    def flag_finding(self, flag: Flag, phase: str = "analysis") -> Finding:
        observation, consequence, inquiry = self.flag_words(flag)
        evidence = Evidence("flag", flag.role, flag.scene, flag.day, None, {"code": flag.code, **flag.params})
        return self.advocacy(
            phase,
            "critical" if flag.severity == CRITICAL else "observation",
            observation,
            consequence,
            inquiry,
            evidence=(evidence,),
            role=flag.role,
            dimension=flag.dimension,
            severity=flag.severity,
            rule=flag.rule,
        )

    def flag_words(self, flag: Flag) -> tuple[Message, Message | None, Message | None]:
        """Observation, concern and question for one flag, from the `FLAG_WORDS` table."""
        values = self.flag_values(flag)
        templates = FLAG_WORDS.get(flag.code)
        if templates is None:
            observation = Message(UNKNOWN_FLAG, _used(UNKNOWN_FLAG, {**values, "code": flag.code}))
            return (observation, None, say(UNKNOWN_FLAG_QUESTION))
        observation, consequence, inquiry = templates
        if flag.code == "dropped_baton" and flag.params.get("kind") != "released":
            observation = DROPPED_NOT_ACCEPTED
        if flag.code == "unlawful_disclosure" and flag.severity != CRITICAL:
            consequence, inquiry = MINOR_DISCLOSURE
        observed, concern, question = (
            say(t, **_used(t, values)) for t in (observation, consequence, inquiry)
        )
        return observed, concern, question

    def flag_values(self, flag: Flag) -> dict[str, Words]:
        """The words the flag templates fill in."""
        p: Mapping[str, Any] = flag.params
        action = str(p.get("action", ""))
        if action.startswith("bti:"):
            did: Words = say(N_("løftet saken til %(level)s"), level=self.action(action))
        elif action in ACTION_TEXT:
            did = say(ACTION_TEXT[action])
        else:
            did = self.action(action)
        later_consent = any(
            a["seq"] > (self._seq_of(flag) or 0)
            for a in self.timeline.actions_of("request_consent", role=flag.role)
        )
        basis = UNLAWFUL_BASIS.get(
            str(p.get("reason")), BASIS_BEFORE_CONSENT if later_consent else BASIS_NONE
        )
        to = p.get("to", ())
        domain = p.get("domain")
        return {
            "who": self.name(flag.role),
            "when": self.when(flag.day, flag.scene),
            "child": self.child,
            "titles": [quoted(t) for t in p.get("info_titles", (p.get("info_title"),))],
            "title": quoted(p.get("info_title")),
            "to": self.name(to) if isinstance(to, str) else self.names(to),
            "basis": say(basis),
            "did": did,
            "thing": self.action(action),
            "reported": say(
                N_("varslet politiet") if action == "report_police" else N_("sendte bekymringsmelding")
            ),
            "late_days": counted(p.get("late_days") or 0, DAYS),
            "done_by": self.name(p.get("done_by")),
            "needed_by": self.name(p.get("needed_by")),
            "law": str(p.get("law", flag.rule)),
            "arrived": say(N_("; det kom først fram dag %(day)s"), day=p["reached_day"])
            if p.get("reached_day") is not None
            else "",
            "owners": self.names(p.get("owners", ())),
            "roles": self.names(p.get("roles", ())),
            "domain": say(DOMAIN_TEXT[domain]) if domain in DOMAIN_TEXT else str(domain),
        }

    def _seq_of(self, flag: Flag) -> int | None:
        return next(
            (
                s["seq"]
                for s in self.timeline.shares
                if s["from"] == flag.role and s["info"] == flag.params.get("info")
            ),
            None,
        )

    # -- phases ----------------------------------------------------------------------------------

    def reactions(self) -> tuple[Finding, ...]:
        ending = self.scenario.ending(self.report.ending) if self.report.ending else None
        questions = [q for q in REACTIONS if "%(ending)s" not in q or ending is not None]
        return tuple(
            Finding("reactions", "question", say(q, **_used(q, {"ending": ending.title if ending else ""})))
            for q in questions
        )

    def description(self) -> tuple[Finding, ...]:
        tl = self.timeline
        ending = self.scenario.ending(self.report.ending) if self.report.ending else None
        days = counted(tl.end_day - tl.start_day, DAYS)
        scenes = counted(len(tl.visits), SCENES)
        if ending is not None:
            outcome = OUTCOME_TEXT.get(ending.rating)
            summary = say(
                N_("Saken gikk over %(days)s og %(scenes)s og endte med «%(ending)s» (%(outcome)s)."),
                days=days,
                scenes=scenes,
                ending=ending.title,
                outcome=say(outcome) if outcome else ending.rating,
            )
        else:
            summary = say(
                N_(
                    "Ufullstendig øvelse: den ble avsluttet etter %(scenes)s over %(days)s, før saken nådde "
                    "en slutt. Skårene gjelder bare det som ble spilt."
                ),
                scenes=scenes,
                days=days,
            )
        findings = [Finding("description", "timeline", summary)]
        for visit in tl.visits:
            parts: list[Words] = []
            evidence = []
            for decision in (d for d in tl.decisions if d.visit == visit.index):
                if decision.choice is None:
                    parts.append(say(N_("%(who)s handlet ikke"), who=self.name(decision.role)))
                    evidence.append(
                        Evidence("not_acted", decision.role, decision.scene, decision.day, None, {})
                    )
                    continue
                parts.append(
                    Message(
                        "%(who)s %(deeds)s",
                        {"who": self.name(decision.role), "deeds": self.deeds(decision.choice)},
                    )
                )
                evidence.append(
                    Evidence(
                        "choice",
                        decision.role,
                        decision.scene,
                        decision.day,
                        decision.seq,
                        {"choice": decision.choice.id},
                    )
                )
            line = say(
                N_("Dag %(day)s – «%(scene)s»: %(deeds)s."),
                day=visit.day,
                scene=visit.scene.title,
                deeds=joined(parts, "; ") if parts else say(N_("ingen valg")),
            )
            findings.append(Finding("description", "timeline", line, tuple(evidence)))
        return tuple(findings)

    def deeds(self, choice: Choice) -> Words:
        """What a choice did, in a few words."""
        words: list[Words] = [say(ACTION_TEXT[a.kind]) for a in choice.actions if a.kind in ACTION_TEXT]
        for share in choice.shares:
            infos = joined([quoted(self.info(i)) for i in share.infos], ", ")
            words.append(
                say(
                    N_("delte %(infos)s med %(to)s"), infos=infos, to=self.names((*share.to, *share.external))
                )
            )
        if choice.baton is not None:
            if choice.baton.kind == "propose":
                words.append(say(N_("foreslo %(to)s som stafettholder"), to=self.name(choice.baton.to)))
            elif choice.baton.kind in BATON_TEXT:
                words.append(say(BATON_TEXT[choice.baton.kind]))
        if choice.measure is not None:
            domain = choice.measure.domain
            values = {"domain": say(DOMAIN_TEXT[domain]) if domain in DOMAIN_TEXT else domain}
            if choice.measure.shared:
                words.append(say(N_("satte i gang tiltak (%(domain)s) i felles plan"), **values))
            else:
                words.append(say(N_("satte i gang tiltak (%(domain)s)"), **values))
        if not words:
            if any(a.kind == "wait" for a in choice.actions):
                return say(N_("ventet"))
            return say(N_("valgte «%(label)s»"), label=choice.label)
        return joined(list(dict.fromkeys(words)), ", ")

    def analysis(self) -> tuple[Finding, ...]:
        report = self.report
        findings = [self.flag_finding(f) for f in report.flags if f.severity == CRITICAL]
        used = {f.code for f in report.flags if f.severity == CRITICAL}
        for scene in [s for s in report.divergent_scenes if s.excess_entropy > 1e-9][:2]:
            plans = [
                Message("%(role)s: %(plan)s", {"role": self.name(role), "plan": plan})
                for role, plan in scene.plans.items()
            ]
            findings.append(
                self.advocacy(
                    "analysis",
                    "divergence",
                    say(
                        N_("I «%(scene)s» (dag %(day)s) dro rollene i ulike retninger – %(plans)s."),
                        scene=scene.title,
                        day=scene.day,
                        plans=joined(plans, ", "),
                    ),
                    say(N_("Jeg lurer på om dere hadde samme bilde av situasjonen der.")),
                    say(N_("Hva så hver av dere som gjorde at dere valgte ulikt?")),
                    evidence=(
                        Evidence("scene", None, scene.scene, scene.day, None, {"plans": dict(scene.plans)}),
                    ),
                    dimension="alignment",
                )
            )
        weakest = sorted(
            (d for d in report.dimensions if d.score is not None and d.score < STRONG),
            key=lambda d: d.score,
        )
        for dimension in weakest[:3]:
            warning = next(
                (f for f in dimension.flags if f.code not in used and f.severity != CRITICAL), None
            )
            if warning is not None:
                used.add(warning.code)
                finding = self.flag_finding(warning)
            else:
                finding = self.dimension_finding(dimension)
            if finding is not None:
                findings.append(finding)
        findings.extend(self.plus_delta())
        return tuple(findings)

    def dimension_finding(self, dimension: DimensionScore) -> Finding | None:
        """An advocacy-inquiry finding from the dimension's strongest piece of evidence."""
        words = self.evidence_words(dimension)
        if words is None:
            return None
        observation, evidence = words
        label = lower(say(DIMENSION_LABELS.get(dimension.name, dimension.name)))
        concern = (
            self.say(DIMENSION_CONCERNS[dimension.name])
            if dimension.name in DIMENSION_CONCERNS
            else say(DIMENSION_CONCERN, label=label)
        )
        question = self.say(DIMENSION_QUESTIONS.get(dimension.name, DIMENSION_QUESTION))
        return self.advocacy(
            "analysis",
            "observation",
            observation,
            concern,
            question,
            evidence=evidence,
            role=evidence[0].role if evidence else None,
            dimension=dimension.name,
        )

    def evidence_words(self, dimension: DimensionScore) -> tuple[Message, tuple[Evidence, ...]] | None:
        """The sentence that describes the most telling evidence of a weak dimension."""
        for e in dimension.evidence:
            words = EVIDENCE_WORDS.get(e.kind)
            sentence = words(self, e) if words else None
            if sentence is not None:
                return sentence, (e,)
        fallback = DETAIL_WORDS.get(dimension.name)
        sentence = fallback(dimension.details) if fallback else None
        return (sentence, ()) if sentence is not None else None

    def expectation_words(self, e: Evidence) -> Message | None:
        """An expected action that came late, early, from another role, or never."""
        p = e.params
        if p.get("score", 1.0) >= 1.0:
            return None
        who, when = self.name(e.role), self.when(e.day, e.scene)
        action = self.action(p.get("action", ""))
        due = self.when(p.get("due_day"), p.get("due"))
        if p.get("status") == "never":
            return say(
                N_("Ingen %(action)s kom i stand, selv om den var ventet fra %(due)s."),
                action=action,
                due=due,
            )
        if p.get("status") == "early":
            return say(
                N_("%(who)s: %(action)s kom allerede %(when)s, før den var ventet (%(due)s)."),
                who=who,
                action=action,
                when=when,
                due=due,
            )
        if p.get("other_role"):
            return say(
                N_("%(action)s kom fra %(who)s, ikke fra den rollen som hadde ansvaret (%(when)s)."),
                action=upper(action),
                who=who,
                when=when,
            )
        late = counted(p.get("late_days") or 0, DAYS)
        return say(
            N_("%(who)s: %(action)s kom %(when)s, %(late)s etter fristen."),
            who=who,
            action=action,
            when=when,
            late=late,
        )

    def need_words(self, e: Evidence) -> Message | None:
        """Needed information that arrived late or never."""
        p = e.params
        values = {"title": p.get("info_title"), "who": self.name(e.role)}
        if p.get("reached_day") is not None:
            values["day"] = p["reached_day"]
        if e.day is not None:
            values["due"] = self.when(e.day, e.scene)
        template = {
            (True, True): N_("«%(title)s» kom først fram dag %(day)s til %(who)s (trengtes innen %(due)s)."),
            (True, False): N_("«%(title)s» kom først fram dag %(day)s til %(who)s."),
            (False, True): N_("«%(title)s» kom aldri fram til %(who)s (trengtes innen %(due)s)."),
            (False, False): N_("«%(title)s» kom aldri fram til %(who)s."),
        }[("day" in values, "due" in values)]
        return say(template, **values)

    def unheard_words(self, e: Evidence) -> Message | None:
        """A key decision taken before anyone heard the child."""
        p = e.params
        if not p.get("decision") or p.get("heard") is not False:
            return None
        return self.say(
            N_("%(what)s (%(when)s) ble besluttet før noen hadde hørt %(child)s."),
            what=upper(self.action(p["decision"])),
            when=self.when(e.day, e.scene),
        )

    def measure_words(self, e: Evidence) -> Message | None:
        """A measure started without a follow-up date."""
        if e.params.get("follow_up") is not False:
            return None
        return say(
            N_("%(who)s satte i gang et tiltak (%(when)s) uten å sette en dato for oppfølging."),
            who=self.name(e.role),
            when=self.when(e.day, e.scene),
        )

    def follow_up_words(self, e: Evidence) -> Message | None:
        """A follow-up date nobody kept."""
        if e.params.get("kept") is not False:
            return None
        return say(
            N_("%(who)s satte en oppfølgingsdato (%(when)s), men ingen fulgte opp innen dag %(due)s."),
            who=self.name(e.role),
            when=self.when(e.day, e.scene),
            due=e.params.get("due_day"),
        )

    def answer_words(self, e: Evidence) -> Message | None:
        """A wrong checkpoint answer."""
        p = e.params
        if p.get("correct") is not False:
            return None
        return say(
            N_("%(who)s svarte «%(option)s» på «%(checkpoint)s»."),
            who=self.name(e.role),
            option=self.option(p.get("checkpoint"), p.get("option")),
            checkpoint=self.checkpoint(p.get("checkpoint")),
        )

    def choice_words(self, e: Evidence) -> Message | None:
        """A weak choice, or no choice, against the options the role had."""
        if e.params.get("relative", 1.0) >= 0.5:
            return None
        who, when = self.name(e.role), self.when(e.day, e.scene)
        if e.kind == "not_acted":
            return say(N_("%(who)s tok ikke noe valg (%(when)s)."), who=who, when=when)
        return say(
            N_("%(who)s valgte «%(label)s» (%(when)s)."), who=who, label=e.params.get("label"), when=when
        )

    def checkpoint(self, checkpoint_id: str | None) -> str:
        for scene in self.scenario.scenes:
            for cp in scene.checkpoints:
                if cp.id == checkpoint_id:
                    return cp.question
        return checkpoint_id or ""

    def option(self, checkpoint_id: str | None, option_id: str | None) -> str:
        for scene in self.scenario.scenes:
            for cp in scene.checkpoints:
                if cp.id == checkpoint_id:
                    return next((o.label for o in cp.options if o.id == option_id), option_id or "")
        return option_id or ""

    def plus_delta(self) -> list[Finding]:
        """One plus and one delta per role, from its decisions against the options it had."""
        findings: list[Finding] = []
        for role in self.scenario.role_ids:
            mine = [d for d in self.timeline.decisions if d.role == role]
            if not mine:
                continue

            def strength(decision) -> float:
                values = [relative_value(decision, name) for name in DIMENSION_NAMES]
                known = [v for v in values if v is not None]
                return sum(known) / len(known) if known else (1.0 if decision.matched_expert else 0.5)

            ranked = sorted(mine, key=lambda d: (strength(d), d.day))
            best, worst = ranked[-1], ranked[0]
            who = self.name(role)
            expert = [d for d in mine if d.expert_available]
            if best.choice is not None and (strength(best) >= 0.75 or best.matched_expert):
                parts: list[Words] = [
                    say(
                        N_("Pluss: %(who)s %(deeds)s (%(when)s)."),
                        who=who,
                        deeds=self.deeds(best.choice),
                        when=self.when(best.day, best.scene),
                    )
                ]
                if expert:
                    parts.append(
                        count(
                            Np_(
                                "Totalt fulgte %(who)s ekspertstien i %(matched)d av %(num)d valg.",
                                "Totalt fulgte %(who)s ekspertstien i %(matched)d av %(num)d valg.",
                            ),
                            len(expert),
                            who=who,
                            matched=sum(d.matched_expert for d in expert),
                        )
                    )
                findings.append(
                    Finding(
                        "analysis",
                        "plus",
                        joined(parts, " "),
                        (
                            Evidence(
                                "choice", role, best.scene, best.day, best.seq, {"choice": best.choice.id}
                            ),
                        ),
                        role=role,
                    )
                )
            if worst.choice is None or (worst is not best and strength(worst) < 0.5):
                when = self.when(worst.day, worst.scene)
                if worst.choice is None:
                    parts = [say(N_("Delta: %(who)s tok ikke noe valg (%(when)s)."), who=who, when=when)]
                else:
                    parts = [
                        say(
                            N_("Delta: %(who)s valgte «%(label)s» (%(when)s)."),
                            who=who,
                            label=worst.choice.label,
                            when=when,
                        )
                    ]
                if worst.expert is not None and not worst.matched_expert:
                    parts.append(say(N_("Ekspertvalget var «%(label)s»."), label=worst.expert.label))
                findings.append(
                    Finding(
                        "analysis",
                        "delta",
                        joined(parts, " "),
                        (
                            Evidence(
                                "choice" if worst.choice else "not_acted",
                                role,
                                worst.scene,
                                worst.day,
                                worst.seq,
                                {},
                            ),
                        ),
                        role=role,
                    )
                )
        return findings

    def profile_takeaways(self) -> list[Message]:
        """Best and weakest dimension, in words that match the numbers beside them."""
        report = self.report
        scored = [d for d in report.dimensions if d.score is not None and d.name != "alignment"]
        if not scored:
            return []
        best = max(scored, key=lambda d: d.score)
        worst = min(scored, key=lambda d: d.score)
        words: list[Message] = []
        if best.score > NEUTRAL:
            words.append(
                say(
                    N_("Teamet lyktes best med %(dimension)s (%(score)s av 100)."),
                    dimension=lower(say(DIMENSION_LABELS[best.name])),
                    score=f"{best.score:.0f}",
                )
            )
        if worst.score >= STRONG and report.rating == "P":
            words.append(
                say(N_("Teamet ble vurdert til P (gjennomført uten utfordringer) på alle dimensjoner."))
            )
        elif worst.score >= STRONG and report.total is not None:
            words.append(
                say(
                    N_(
                        "Alle dimensjonene var sterke, men totalen ble %(total)s (%(rating)s) "
                        "på grunn av en kritisk feil."
                    ),
                    total=f"{report.total:.0f}",
                    rating=report.rating or "",
                )
            )
        elif worst is not best or not words:
            words.append(
                say(
                    N_("Mest å hente på %(dimension)s (%(score)s av 100)."),
                    dimension=lower(say(DIMENSION_LABELS[worst.name])),
                    score=f"{worst.score:.0f}",
                )
            )
        return words

    def summary(self) -> tuple[tuple[Finding, ...], tuple[ImprovementPoint, ...]]:
        report = self.report
        takeaways: list[Message] = []
        if not report.complete:
            takeaways.append(say(INCOMPLETE_TAKEAWAY))
        takeaways += [say(TAKEAWAYS[code]) for code in report.cap_reasons if code in TAKEAWAYS][:2]
        takeaways += self.profile_takeaways()
        findings = [Finding("summary", "takeaway", text) for text in takeaways[:3]]
        improvements = []
        for dimension in report.dimensions:
            if dimension.rating not in ("M", "U"):
                continue
            key = (
                "parents_abuse"
                if dimension.name == "parents" and not dimension.details.get("indicated", True)
                else dimension.name
            )
            owners = Counter(f.role for f in dimension.flags if f.role) or Counter(
                e.role for e in dimension.evidence if e.role
            )
            improvements.append(
                ImprovementPoint(
                    dimension=dimension.name,
                    rating=dimension.rating,
                    remedy=say(IMPROVEMENT_ACTIONS[key]),
                    owner=owners.most_common(1)[0][0] if owners else None,
                )
            )
        for point in improvements:
            parts: list[Words] = [
                say(N_("%(area)s. Tiltak: %(action)s"), area=improvement_area(point), action=point.remedy)
            ]
            if point.owner:
                parts.append(say(N_("Ansvarlig: %(owner)s."), owner=self.name(point.owner)))
            findings.append(
                Finding(
                    "summary", "improvement", joined(parts, " "), role=point.owner, dimension=point.dimension
                )
            )
        return tuple(findings), tuple(improvements)


def improvement_area(point: ImprovementPoint) -> Message:
    """An improvement point's area, its dimension and rating: «Tydelig eierskap: ikke gjennomført»."""
    return say(
        N_("%(dimension)s: %(rating)s"),
        dimension=say(DIMENSION_LABELS.get(point.dimension, point.dimension)),
        rating=lower(say(RATING_LABELS.get(point.rating or "", point.rating or ""))),
    )


def _ownership_words(details: Mapping[str, Any]) -> Message | None:
    if details.get("first_owner_day") is None:
        return say(N_("Ingen tok stafetten i saken."))
    return say(
        N_("Saken hadde én tydelig stafettholder %(share)s %% av tiden fra dag %(day)s."),
        share=round(100 * details.get("coverage", 0.0)),
        day=details.get("window_start_day"),
    )


def _parents_words(details: Mapping[str, Any]) -> Message | None:
    if details.get("talks") == 0 and details.get("indicated"):
        return say(N_("Ingen hadde en samtale med foreldrene om uroen."))
    return None


def _follow_up_words(details: Mapping[str, Any]) -> Message | None:
    if details.get("evaluated") == 0.0:
        return say(N_("Tiltakene ble aldri evaluert."))
    if details.get("feedback") == 0.0:
        return say(N_("Melderen fikk aldri tilbakemelding fra barneverntjenesten."))
    return None


# The sentence for one piece of evidence, by its kind; None when the evidence is not telling.
EVIDENCE_WORDS: dict[str, Callable[[_Writer, Evidence], Message | None]] = {
    "expectation": _Writer.expectation_words,
    "need": _Writer.need_words,
    "action": _Writer.unheard_words,
    "measure": _Writer.measure_words,
    "follow_up": _Writer.follow_up_words,
    "answer": _Writer.answer_words,
    "choice": _Writer.choice_words,
    "not_acted": _Writer.choice_words,
}

# When no evidence is telling: a sentence from the dimension's details, by dimension.
DETAIL_WORDS: dict[str, Callable[[Mapping[str, Any]], Message | None]] = {
    "ownership": _ownership_words,
    "parents": _parents_words,
    "follow_up": _follow_up_words,
}


def flag_observations(scenario: Scenario, timeline: Timeline, report: Report) -> tuple[Message, ...]:
    """One message per flag of the report, in its order: what happened, who, what item, where.

    The same message the debrief uses for the flag (its observation), so a flag has one message form
    wherever it is shown; render it in the reader's language (`scoring.messages.render`).
    """
    writer = _Writer(scenario, timeline, report)
    return tuple(writer.flag_words(flag)[0] for flag in report.flags)


def build_debrief(scenario: Scenario, timeline: Timeline, report: Report) -> Debrief:
    """The PEARLS debrief for a scored drill, as ordered findings with evidence."""
    writer = _Writer(scenario, timeline, report)
    summary, improvements = writer.summary()
    phases = (
        DebriefPhase("reactions", PHASE_TITLES["reactions"], writer.reactions()),
        DebriefPhase("description", PHASE_TITLES["description"], writer.description()),
        DebriefPhase("analysis", PHASE_TITLES["analysis"], writer.analysis()),
        DebriefPhase("summary", PHASE_TITLES["summary"], summary),
    )
    return Debrief(phases=phases, improvements=improvements)
