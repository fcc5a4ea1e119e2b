"""Turn a scored drill into a PEARLS debrief: findings as data, in bokmål, each citing its evidence.

Order (Eppich & Cheng 2015, with advocacy-inquiry from Rudolph et al.):

1. reactions   – fixed opening questions, so the team can let off steam before analysing;
2. description – a summary of the case and a timeline, one line per visited scene;
3. analysis    – critical errors first, then the two scenes where the roles were most split beyond
                 what the expert path intends (excess plan entropy), then an advocacy-inquiry finding
                 for each of the three weakest dimensions below 85 (observation with day and scene,
                 the facilitator's concern, a curious question), then plus/delta per role;
4. summary     – two or three take-aways, and an HSEEP improvement plan (area, action, owner) for
                 every dimension rated M or U.

The text is content, not interface chrome, so it is generated here in bokmål; the app only lays it out.
The child is called by the front matter's `child:` key, else «barnet» («the child» in English); the name
is never guessed from the scenario's prose, where a sibling or a friend may be named first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from scenarios.model import Choice
from scenarios.model import Scenario
from scenarios.vocabulary import DIMENSION_LABELS
from scoring.annotations import relative_value
from scoring.composite import RATING_LABELS
from scoring.model import CRITICAL
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

PHASE_TITLES = {
    "reactions": "Reaksjoner",
    "description": "Beskrivelse",
    "analysis": "Analyse",
    "summary": "Oppsummering",
}

ACTION_TEXT = {
    "observe": "observerte",
    "document": "dokumenterte",
    "consult_leader": "drøftet med leder",
    "consult_anonymous": "drøftet saken anonymt med barneverntjenesten",
    "talk_child": "snakket med barnet",
    "talk_parents": "snakket med foreldrene",
    "request_consent": "ba om samtykke",
    "report_bvt": "sendte bekymringsmelding til barneverntjenesten",
    "report_police": "varslet politiet",
    "refer_ppt": "henviste til PPT",
    "convene_meeting": "kalte inn til samarbeidsmøte",
    "open_log": "opprettet stafettlogg",
    "evaluate": "evaluerte tiltakene",
    "feedback_to_reporter": "ga tilbakemelding til melder",
    "close_case": "avsluttet saken",
    "investigate": "startet undersøkelse",
}

ACTION_NOUN = {
    "report_bvt": "bekymringsmelding til barneverntjenesten",
    "report_police": "varsel til politiet",
    "talk_child": "samtale med barnet",
    "talk_parents": "samtale med foreldrene",
    "request_consent": "spørsmål om samtykke",
    "consult_anonymous": "anonym drøfting",
    "convene_meeting": "samarbeidsmøte",
    "open_log": "stafettlogg",
    "evaluate": "evaluering",
    "feedback_to_reporter": "tilbakemelding til melder",
    "close_case": "avslutning av saken",
    "investigate": "undersøkelse",
    "refer_ppt": "henvisning til PPT",
    "measure": "tiltak",
}

DOMAIN_TEXT = {"learning": "læring", "health": "helse", "care": "omsorg", "social": "det sosiale"}
OUTCOME_TEXT = {"good": "god", "mixed": "middels", "poor": "svak"}

REACTIONS = (
    "Hvordan har dere det nå, rett etter øvelsen?",
    "Hva var det første du tenkte da dere fikk slutten «{ending}»?",
    "Var det et øyeblikk der du ønsket at du visste hva de andre rollene tenkte?",
)

TAKEAWAYS = {
    "unlawful_disclosure": (
        "Del bare med samtykke eller et annet rettslig grunnlag, og fortell barnet hva som deles."
    ),
    "missed_report": "Opplysningsplikten krever grunn til å tro, ikke bevis: meld når terskelen er nådd.",
    "parents_confronted_first": (
        "Ved mistanke om vold fra en omsorgsperson: meld først, og la barneverntjenesten og politiet "
        "avgjøre når foreldrene får vite."
    ),
}

IMPROVEMENT_ACTIONS = {
    "escalation": "Gå gjennom meldeterskelen (bvl. § 13-2) sammen, og avtal hvem som melder og når.",
    "information": "Lag en rutine for samtykke og deling: hva deles, med hvem og på hvilket grunnlag.",
    "ownership": "Avtal stafettholder i første møte, og bekreft hver overlevering i stafettloggen.",
    "child_voice": "Avtal hvem som snakker med barnet, og bruk åpne spørsmål.",
    "parents": "Forbered bekymringssamtalen med konkrete observasjoner, og hold den innen fristen.",
    "parents_abuse": (
        "Øv på rekkefølgen ved mistanke om vold: meld først, foreldrene informeres etter samråd."
    ),
    "follow_up": "Sett evalueringsdato for hvert tiltak, og gi melderen tilbakemelding.",
    "alignment": "Bruk korte avklaringer underveis, så alle har samme bilde av nivå og terskel.",
}

STRONG = 85.0  # dimensions at or above this are not analysed as weaknesses (HSEEP P)
NEUTRAL = 50.0  # a "best" dimension must at least rise above neutral to be praised
INCOMPLETE_TAKEAWAY = (
    "Øvelsen ble avsluttet før saken nådde en slutt: skårene gjelder bare det som ble spilt, "
    "og øvelsen teller ikke med i sammenligninger."
)

UNLAWFUL_BASIS = {
    "duty_to_report_wrong_recipient": (
        "med opplysningsplikten som grunnlag, men den gjelder bare overfor barneverntjenesten"
    ),
    "avert_wrong_recipient": (
        "med avvergingsplikten som grunnlag, men den gjelder overfor politiet, barneverntjenesten "
        "eller den som kan avverge"
    ),
    "internal_other_service": "på tjenestlig behov, men til en annen tjeneste",
    "health_outside_care": "selv om helseopplysninger bare kan deles med dem som gir helsehjelp",
}

# How the debrief names the receivers outside the team.
EXTERNAL_NAMES = {
    "foreldre": "foreldrene",
    "politi": "politiet",
    "bup": "BUP",
    "fastlege": "fastlegen",
    "nav": "NAV",
}

# A low-sensitivity slip between public services is a warning: the concern and question differ.
MINOR_DISCLOSURE = (
    "Opplysningen var lite sensitiv, og den kunne vært delt for tjenestens egne oppgaver "
    "(fvl. § 13 b første ledd nr. 5) etter en vurdering av om det var nødvendig.",
    "Hvordan vurderte du om det var nødvendig å dele, og hvor skrev du det ned?",
)

# Advocacy-inquiry per flag: (observation, concern, question), filled in by `_Writer.flag_values`.
FLAG_WORDS: dict[str, tuple[str, str, str]] = {
    "unlawful_disclosure": (
        "{who} delte {titles} med {to} {basis} ({when}).",
        "Jeg er bekymret for at {child} da mister tilliten til de voksne rundt seg.",
        "Hva gjorde at det føltes riktig å dele da?",
    ),
    "missed_report": (
        "Ingen {reported}, selv om terskelen var nådd fra {when}.",
        "Jeg er bekymret for at {child} da ble stående uten beskyttelse mens alle ventet.",
        "Hva trengte dere for å være trygge nok til å melde?",
    ),
    "parents_confronted_first": (
        "{who} tok det opp med foreldrene før noen hadde meldt til barneverntjenesten "
        "eller politiet ({when}).",
        "Jeg er bekymret for at {child} da kan bli utsatt for mer press, og at bevis går tapt.",
        "Hva tenkte du om risikoen for {child} da du valgte å snakke med foreldrene først?",
    ),
    "police_not_consulted": (
        "{who} drøftet ikke saken med politiet, selv om scenarioet la opp til det fra {when}.",
        "Dette er praksis, ikke et lovkrav her, men jeg lurer på om {child} kunne fått et bedre "
        "samordnet forløp med politiet med.",
        "Hva visste dere om når barneverntjenesten bør drøfte en sak med politiet?",
    ),
    "late_police_consultation": (
        "{who} drøftet saken med politiet {when}, {late_days} etter at det var lagt opp til.",
        "Jeg lurer på om det hadde gjort planleggingen lettere å ha politiet med tidligere.",
        "Hva fikk dere til å ta kontakt med politiet da?",
    ),
    "parents_health": (
        "{who} ga foreldrene helseopplysninger om {child} ({when}).",
        "Jeg lurer på om {child} ønsket det, og om grunnene var av et slag som burde respekteres.",
        "Hvordan snakket du med {child} om hva foreldrene skulle få vite?",
    ),
    "parents_told_before_police": (
        "{who} informerte foreldrene før politiet var varslet ({when}).",
        "Jeg er bekymret for at etterforskningen da kunne bli skadet.",
        "Hvordan tenkte dere om rekkefølgen mellom politiet og foreldrene?",
    ),
    "late_report": (
        "{who} {did} {when}, {late_days} etter fristen.",
        "Jeg er bekymret for at {child} da bar situasjonen alene lenger enn nødvendig.",
        "Hva gjorde at det tok tid før dere meldte?",
    ),
    "early_escalation": (
        "{who} {did} allerede {when}, før det var ventet og uten samtykke eller anonym drøfting først.",
        "Jeg er bekymret for at familien da møter hjelpeapparatet som en trussel, "
        "og at samarbeidet blir vanskeligere.",
        "Hva ville du trengt for å drøfte saken anonymt eller snakke med foreldrene først?",
    ),
    "personal_duty": (
        "{who} meldte ikke selv; det var {done_by} som sendte {thing}.",
        "Jeg er bekymret for at det {who} visste, da ikke nådde barneverntjenesten; "
        "meldeplikten er personlig.",
        "Hvordan tenkte du om din egen meldeplikt da en annen rolle meldte?",
    ),
    "confidentiality_as_excuse": (
        "{who} delte ikke {title} med {needed_by} innen fristen, selv om et lovlig valg for det "
        "sto åpent ({when}; {law}){arrived}.",
        "Jeg er bekymret for at {needed_by} da måtte handle uten en viktig del av bildet.",
        "Hva holdt deg tilbake fra å dele?",
    ),
    "parallel_ownership": (
        "{owners} holdt stafetten samtidig ({when}).",
        "Jeg er bekymret for at familien da ikke vet hvem de skal forholde seg til.",
        "Hvordan ble dere enige om hvem som skulle holde stafetten?",
    ),
    "parallel_measures": (
        "{roles} satte i gang hvert sitt tiltak innen {domain} uten felles plan.",
        "Jeg er bekymret for at familien da må samordne tjenestene selv – hver sin sandsekk.",
        "Hva ville gjort det lettere å samle tiltakene i én plan?",
    ),
    "dropped_baton": (
        "{who} ga fra seg stafetten uten at noen tok den imot ({when}).",
        "Jeg er bekymret for at oppfølgingen da fikk et brudd.",
        "Hvordan sikrer dere at en overlevering faktisk blir tatt imot?",
    ),
    "leading_questions": (
        "{who} stilte {child} ledende spørsmål ({when}).",
        "Jeg er bekymret for at det kan legge ord i munnen på {child} og svekke et senere avhør.",
        "Hva ønsket du å finne ut, og hvem kunne spurt på en tryggere måte?",
    ),
    "repeated_interviews": (
        "Flere voksne spurte {child} ut: {roles}; {who} gjorde det uten at samtalene var samordnet ({when}).",
        "Jeg er bekymret for at {child} da måtte fortelle på nytt, og at forklaringen blir påvirket.",
        "Hvordan kunne dere ha avtalt hvem som snakker med {child}?",
    ),
}
# The observation of each flag in English, for `laget scenarios score --lang en`; the debrief is bokmål.
FLAG_OBSERVATIONS_EN: dict[str, str] = {
    "unlawful_disclosure": "{who} shared {titles} with {to} {basis} ({when}).",
    "missed_report": "Nobody {reported}, although the threshold was met from {when}.",
    "parents_confronted_first": (
        "{who} raised it with the parents before anyone had reported to the child welfare service "
        "or the police ({when})."
    ),
    "police_not_consulted": (
        "{who} did not consult the police, although the scenario called for it from {when}."
    ),
    "late_police_consultation": ("{who} consulted the police {when}, {late_days} after it was called for."),
    "parents_health": "{who} gave the parents health information about {child} ({when}).",
    "parents_told_before_police": "{who} told the parents before the police had been notified ({when}).",
    "late_report": "{who} {did} {when}, {late_days} after the deadline.",
    "early_escalation": (
        "{who} {did} already {when}, before it was expected and without consent or an anonymous "
        "consultation first."
    ),
    "personal_duty": "{who} did not report; it was {done_by} who sent the {thing}.",
    "confidentiality_as_excuse": (
        "{who} did not share {title} with {needed_by} by the deadline, although a lawful choice to do so "
        "was open ({when}; {law}){arrived}."
    ),
    "parallel_ownership": "{owners} held the baton at the same time ({when}).",
    "parallel_measures": "{roles} each started a measure in {domain} without a shared plan.",
    "dropped_baton": "{who} released the baton without anyone taking it ({when}).",
    "leading_questions": "{who} asked {child} leading questions ({when}).",
    "repeated_interviews": (
        "Several adults questioned {child}: {roles}; {who} did so without the talks being "
        "coordinated ({when})."
    ),
}
DROPPED_NOT_ACCEPTED_EN = "{who} proposed {to} as baton holder, but nobody accepted the handover."
UNLAWFUL_BASIS_EN = {
    "duty_to_report_wrong_recipient": (
        "on the duty to inform, but that duty applies only towards the child welfare service"
    ),
    "avert_wrong_recipient": (
        "on the duty to avert, but that duty applies towards the police, the child welfare service "
        "or whoever can avert the act"
    ),
    "internal_other_service": "on need to know, but to another service",
    "health_outside_care": "although health information may only be shared with those giving health care",
}
ACTION_TEXT_EN = {
    "report_bvt": "sent a report of concern to the child welfare service",
    "report_police": "notified the police",
    "talk_parents": "talked with the parents",
    "refer_ppt": "referred to PPT",
    "consult_anonymous": "consulted the child welfare service anonymously",
}
ACTION_NOUN_EN = {
    "report_bvt": "report of concern to the child welfare service",
    "report_police": "notice to the police",
    "talk_parents": "talk with the parents",
    "refer_ppt": "referral to PPT",
}
EXTERNAL_NAMES_EN = {
    "foreldre": "the parents",
    "politi": "the police",
    "bup": "BUP",
    "fastlege": "the GP",
    "nav": "NAV",
}
DOMAIN_TEXT_EN = {"learning": "learning", "health": "health", "care": "care", "social": "social life"}
DROPPED_NOT_ACCEPTED = "{who} foreslo {to} som stafettholder, men overleveringen ble aldri tatt imot."


CHILD_WORDS = {"nb": "barnet", "nn": "barnet", "en": "the child"}


def child_name(scenario: Scenario, lang: str = "nb") -> str:
    """What the debrief calls the child: the front matter's `child:`, else «barnet» in the language asked."""
    return scenario.meta.child or CHILD_WORDS.get(lang, CHILD_WORDS["nb"])


def counted(count: int, one: str, many: str) -> str:
    """A number with its noun in the right form, as in "1 scene" and "3 scener" (never "1 scener")."""
    return f"{count} {one if count == 1 else many}"


class _Writer:
    """Holds the scenario, timeline and report while the findings are written."""

    def __init__(self, scenario: Scenario, timeline: Timeline, report: Report, lang: str = "nb") -> None:
        self.scenario = scenario
        self.timeline = timeline
        self.report = report
        self.en = lang == "en"  # only flag observations have English words (`flag_observations`)
        self.child = child_name(scenario, lang)

    # -- words -----------------------------------------------------------------------------------

    def name(self, role: str | None) -> str:
        if role in EXTERNAL_NAMES:
            return (EXTERNAL_NAMES_EN if self.en else EXTERNAL_NAMES)[role]
        return self.timeline.role_name(role) if role else ("Nobody" if self.en else "Ingen")

    def names(self, roles) -> str:
        return self.listing(self.name(r) for r in roles)

    def listing(self, items) -> str:
        """«a», «a og b», «a, b og c»."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + (" and " if self.en else " og ") + items[-1]

    def when(self, day: int | None, scene: str | None) -> str:
        found = self.scenario.scene(scene) if scene else None
        parts = []
        if day is not None:
            parts.append(f"{'day' if self.en else 'dag'} {day}")
        if found is not None:
            parts.append(f"«{found.title}»")
        return ", ".join(parts)

    def info(self, info_id: str) -> str:
        found = self.scenario.info(info_id)
        return found.title if found else info_id

    def action(self, action: str) -> str:
        if action.startswith("bti:"):
            return f"BTI-nivå {action[4:]}"
        return ACTION_NOUN.get(action, action)

    def text(self, template: str, **values: Any) -> str:
        return template.format(child=self.child, **values)

    # -- findings --------------------------------------------------------------------------------

    def advocacy(
        self,
        phase: str,
        kind: str,
        observation: str,
        consequence: str,
        inquiry: str,
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
            text=" ".join(p for p in (observation, consequence, inquiry) if p),
            evidence=evidence,
            role=role,
            dimension=dimension,
            severity=severity,
            observation=observation,
            consequence=consequence,
            inquiry=inquiry,
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

    def flag_words(self, flag: Flag) -> tuple[str, str, str]:
        """Observation, concern and question for one flag, from the `FLAG_WORDS` table."""
        templates = FLAG_WORDS.get(flag.code)
        values = self.flag_values(flag)
        if self.en:
            observation = FLAG_OBSERVATIONS_EN.get(flag.code, "{who}: " + flag.code + " ({when}).")
            if flag.code == "dropped_baton" and flag.params.get("kind") != "released":
                observation = DROPPED_NOT_ACCEPTED_EN
            return (observation.format(**values), "", "")
        if templates is None:
            return (f"{values['who']}: {flag.code} ({values['when']}).", "", "Hva tenkte du der?")
        observation, consequence, inquiry = templates
        if flag.code == "dropped_baton" and flag.params.get("kind") != "released":
            observation = DROPPED_NOT_ACCEPTED
        if flag.code == "unlawful_disclosure" and flag.severity != CRITICAL:
            consequence, inquiry = MINOR_DISCLOSURE
        return tuple(t.format(**values) for t in (observation, consequence, inquiry))

    def flag_values(self, flag: Flag) -> dict[str, str]:
        """The words the flag templates fill in."""
        p: Mapping[str, Any] = flag.params
        action = str(p.get("action", ""))
        en = self.en
        if action.startswith("bti:"):
            did = (
                f"raised the case to BTI level {action[4:]}"
                if en
                else f"løftet saken til {self.action(action)}"
            )
        elif en:
            did = ACTION_TEXT_EN.get(action, action.replace("_", " "))
        else:
            did = ACTION_TEXT.get(action, self.action(action))
        later_consent = any(
            a["seq"] > (self._seq_of(flag) or 0)
            for a in self.timeline.actions_of("request_consent", role=flag.role)
        )
        if en:
            basis = UNLAWFUL_BASIS_EN.get(
                str(p.get("reason")),
                "before consent was obtained" if later_consent else "without consent or another basis",
            )
        else:
            basis = UNLAWFUL_BASIS.get(
                str(p.get("reason")),
                "før samtykke var innhentet" if later_consent else "uten samtykke eller annet grunnlag",
            )
        return {
            "who": self.name(flag.role),
            "when": self.when(flag.day, flag.scene),
            "child": self.child,
            "titles": self.listing(f"«{t}»" for t in p.get("info_titles", (p.get("info_title"),))),
            "title": f"«{p.get('info_title')}»",
            "to": self.names(p.get("to", ())) if not isinstance(p.get("to"), str) else self.name(p.get("to")),
            "basis": basis,
            "did": did,
            "thing": ACTION_NOUN_EN.get(action, action) if en else self.action(action),
            "reported": (
                ("notified the police" if action == "report_police" else "sent a report of concern")
                if en
                else ("varslet politiet" if action == "report_police" else "sendte bekymringsmelding")
            ),
            "late_days": (
                counted(p.get("late_days") or 0, "day", "days")
                if en
                else counted(p.get("late_days") or 0, "dag", "dager")
            ),
            "done_by": self.name(p.get("done_by")),
            "needed_by": self.name(p.get("needed_by")),
            "law": str(p.get("law", flag.rule)),
            "arrived": (
                f"; it arrived only on day {p['reached_day']}"
                if en
                else f"; det kom først fram dag {p['reached_day']}"
            )
            if p.get("reached_day") is not None
            else "",
            "owners": self.names(p.get("owners", ())),
            "roles": self.names(p.get("roles", ())),
            "domain": (DOMAIN_TEXT_EN if en else DOMAIN_TEXT).get(p.get("domain"), str(p.get("domain"))),
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
        questions = [q for q in REACTIONS if "{ending}" not in q or ending is not None]
        return tuple(
            Finding("reactions", "question", q.format(ending=ending.title if ending else ""))
            for q in questions
        )

    def description(self) -> tuple[Finding, ...]:
        tl = self.timeline
        ending = self.scenario.ending(self.report.ending) if self.report.ending else None
        days = tl.end_day - tl.start_day
        if ending is not None:
            outcome = OUTCOME_TEXT.get(ending.rating, ending.rating)
            scenes = counted(len(tl.visits), "scene", "scener")
            summary = (
                f"Saken gikk over {counted(days, 'dag', 'dager')} og {scenes} "
                f"og endte med «{ending.title}» ({outcome})."
            )
        else:
            summary = (
                f"Ufullstendig øvelse: den ble avsluttet etter {counted(len(tl.visits), 'scene', 'scener')} "
                f"over {counted(days, 'dag', 'dager')}, før saken nådde en slutt. "
                "Skårene gjelder bare det som ble spilt."
            )
        findings = [Finding("description", "timeline", summary)]
        for visit in tl.visits:
            parts = []
            evidence = []
            for decision in (d for d in tl.decisions if d.visit == visit.index):
                if decision.choice is None:
                    parts.append(f"{self.name(decision.role)} handlet ikke")
                    evidence.append(
                        Evidence("not_acted", decision.role, decision.scene, decision.day, None, {})
                    )
                    continue
                parts.append(f"{self.name(decision.role)} {self.deeds(decision.choice)}")
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
            line = (
                f"Dag {visit.day} – «{visit.scene.title}»: "
                + ("; ".join(parts) if parts else "ingen valg")
                + "."
            )
            findings.append(Finding("description", "timeline", line, tuple(evidence)))
        return tuple(findings)

    def deeds(self, choice: Choice) -> str:
        """What a choice did, in a few words."""
        words = [ACTION_TEXT[a.kind] for a in choice.actions if a.kind in ACTION_TEXT]
        for share in choice.shares:
            infos = ", ".join(f"«{self.info(i)}»" for i in share.infos)
            words.append(f"delte {infos} med {self.names((*share.to, *share.external))}")
        if choice.baton is not None:
            words.append(
                {
                    "take": "tok stafetten",
                    "accept": "tok imot stafetten",
                    "release": "ga fra seg stafetten",
                    "propose": f"foreslo {self.name(choice.baton.to)} som stafettholder",
                }.get(choice.baton.kind, "")
            )
        if choice.measure is not None:
            plan = " i felles plan" if choice.measure.shared else ""
            words.append(
                f"satte i gang tiltak ({DOMAIN_TEXT.get(choice.measure.domain, choice.measure.domain)}){plan}"
            )
        words = [w for w in words if w]
        if not words:
            return "ventet" if any(a.kind == "wait" for a in choice.actions) else f"valgte «{choice.label}»"
        return ", ".join(dict.fromkeys(words))

    def analysis(self) -> tuple[Finding, ...]:
        report = self.report
        findings = [self.flag_finding(f) for f in report.flags if f.severity == CRITICAL]
        used = {f.code for f in report.flags if f.severity == CRITICAL}
        for scene in [s for s in report.divergent_scenes if s.excess_entropy > 1e-9][:2]:
            plans = ", ".join(f"{self.name(role)}: {plan}" for role, plan in scene.plans.items())
            findings.append(
                self.advocacy(
                    "analysis",
                    "divergence",
                    f"I «{scene.title}» (dag {scene.day}) dro rollene i ulike retninger – {plans}.",
                    "Jeg lurer på om dere hadde samme bilde av situasjonen der.",
                    "Hva så hver av dere som gjorde at dere valgte ulikt?",
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
        label = DIMENSION_LABELS.get(dimension.name, dimension.name).lower()
        words = self.evidence_words(dimension)
        if words is None:
            return None
        observation, evidence = words
        concern = {
            "escalation": self.text(
                "Jeg er bekymret for at {child} da ventet lenger enn nødvendig på hjelp."
            ),
            "information": "Jeg er bekymret for at beslutningene da ble tatt uten hele bildet.",
            "ownership": (
                "Jeg er bekymret for at ingen da hadde oversikten, og at familien måtte samordne selv."
            ),
            "child_voice": self.text(
                "Jeg er bekymret for at {child}s egne ord da ikke kom med i beslutningene."
            ),
            "parents": (
                "Jeg er bekymret for at samarbeidet med foreldrene da ble vanskeligere enn det trengte å bli."
            ),
            "follow_up": "Jeg er bekymret for at ingen da vet om tiltakene virket.",
            "alignment": "Jeg lurer på om dere hadde samme bilde av situasjonen.",
        }.get(dimension.name, f"Jeg er bekymret for {label}.")
        question = {
            "escalation": "Hva gjorde at dere ventet – eller skyndte dere?",
            "information": "Hva var det som gjorde deling vanskelig her?",
            "ownership": "Hvem opplevde dere at hadde ansvaret for saken da?",
            "child_voice": self.text("Hvordan tenkte dere om å høre {child} før dere bestemte dere?"),
            "parents": "Hva ville gjort det lettere å ta samtalen med foreldrene?",
            "follow_up": "Hvordan hadde dere tenkt å følge opp det dere satte i gang?",
            "alignment": "Hva var det dere så ulikt?",
        }.get(dimension.name, "Hva tenkte dere der?")
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

    def evidence_words(self, dimension: DimensionScore) -> tuple[str, tuple[Evidence, ...]] | None:
        """The sentence that describes the most telling evidence of a weak dimension."""
        for e in dimension.evidence:
            words = EVIDENCE_WORDS.get(e.kind)
            sentence = words(self, e) if words else None
            if sentence is not None:
                return sentence, (e,)
        fallback = DETAIL_WORDS.get(dimension.name)
        sentence = fallback(dimension.details) if fallback else None
        return (sentence, ()) if sentence is not None else None

    def expectation_words(self, e: Evidence) -> str | None:
        """An expected action that came late, early, from another role, or never."""
        p = e.params
        if p.get("score", 1.0) >= 1.0:
            return None
        who, when = self.name(e.role), self.when(e.day, e.scene)
        action = self.action(p.get("action", ""))
        due = self.when(p.get("due_day"), p.get("due"))
        if p.get("status") == "never":
            return f"Ingen {action} kom i stand, selv om den var ventet fra {due}."
        if p.get("status") == "early":
            return f"{who}: {action} kom allerede {when}, før den var ventet ({due})."
        if p.get("other_role"):
            return f"{action.capitalize()} kom fra {who}, ikke fra den rollen som hadde ansvaret ({when})."
        late = counted(p.get("late_days") or 0, "dag", "dager")
        return f"{who}: {action} kom {when}, {late} etter fristen."

    def need_words(self, e: Evidence) -> str | None:
        """Needed information that arrived late or never."""
        p = e.params
        arrived = (
            f"kom først fram dag {p['reached_day']}" if p.get("reached_day") is not None else "kom aldri fram"
        )
        due = f" (trengtes innen {self.when(e.day, e.scene)})" if e.day is not None else ""
        return f"«{p.get('info_title')}» {arrived} til {self.name(e.role)}{due}."

    def unheard_words(self, e: Evidence) -> str | None:
        """A key decision taken before anyone heard the child."""
        p = e.params
        if not p.get("decision") or p.get("heard") is not False:
            return None
        return self.text(
            "{what} ({when}) ble besluttet før noen hadde hørt {child}.",
            what=self.action(p["decision"]).capitalize(),
            when=self.when(e.day, e.scene),
        )

    def measure_words(self, e: Evidence) -> str | None:
        """A measure started without a follow-up date."""
        if e.params.get("follow_up") is not False:
            return None
        when = self.when(e.day, e.scene)
        return f"{self.name(e.role)} satte i gang et tiltak ({when}) uten å sette en dato for oppfølging."

    def follow_up_words(self, e: Evidence) -> str | None:
        """A follow-up date nobody kept."""
        if e.params.get("kept") is not False:
            return None
        return (
            f"{self.name(e.role)} satte en oppfølgingsdato ({self.when(e.day, e.scene)}), "
            f"men ingen fulgte opp innen dag {e.params.get('due_day')}."
        )

    def answer_words(self, e: Evidence) -> str | None:
        """A wrong checkpoint answer."""
        p = e.params
        if p.get("correct") is not False:
            return None
        checkpoint = self.checkpoint(p.get("checkpoint"))
        option = self.option(p.get("checkpoint"), p.get("option"))
        return f"{self.name(e.role)} svarte «{option}» på «{checkpoint}»."

    def choice_words(self, e: Evidence) -> str | None:
        """A weak choice, or no choice, against the options the role had."""
        if e.params.get("relative", 1.0) >= 0.5:
            return None
        who, when = self.name(e.role), self.when(e.day, e.scene)
        if e.kind == "not_acted":
            return f"{who} tok ikke noe valg ({when})."
        return f"{who} valgte «{e.params.get('label')}» ({when})."

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
                matched = sum(d.matched_expert for d in expert)
                tail = (
                    f" Totalt fulgte {who} ekspertstien i {matched} av {len(expert)} valg." if expert else ""
                )
                findings.append(
                    Finding(
                        "analysis",
                        "plus",
                        f"Pluss: {who} {self.deeds(best.choice)} ({self.when(best.day, best.scene)}).{tail}",
                        (
                            Evidence(
                                "choice", role, best.scene, best.day, best.seq, {"choice": best.choice.id}
                            ),
                        ),
                        role=role,
                    )
                )
            if worst.choice is None or (worst is not best and strength(worst) < 0.5):
                if worst.choice is None:
                    text = f"Delta: {who} tok ikke noe valg ({self.when(worst.day, worst.scene)})."
                else:
                    text = (
                        f"Delta: {who} valgte «{worst.choice.label}» ({self.when(worst.day, worst.scene)})."
                    )
                if worst.expert is not None and not worst.matched_expert:
                    text += f" Ekspertvalget var «{worst.expert.label}»."
                findings.append(
                    Finding(
                        "analysis",
                        "delta",
                        text,
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

    def profile_takeaways(self) -> list[str]:
        """Best and weakest dimension, in words that match the numbers beside them."""
        report = self.report
        scored = [d for d in report.dimensions if d.score is not None and d.name != "alignment"]
        if not scored:
            return []
        best = max(scored, key=lambda d: d.score)
        worst = min(scored, key=lambda d: d.score)
        words: list[str] = []
        if best.score > NEUTRAL:
            words.append(
                f"Teamet lyktes best med {DIMENSION_LABELS[best.name].lower()} ({best.score:.0f} av 100)."
            )
        if worst.score >= STRONG and report.rating == "P":
            words.append("Teamet ble vurdert til P (gjennomført uten utfordringer) på alle dimensjoner.")
        elif worst.score >= STRONG and report.total is not None:
            words.append(
                f"Alle dimensjonene var sterke, men totalen ble {report.total:.0f} ({report.rating}) "
                "på grunn av en kritisk feil."
            )
        elif worst is not best or not words:
            words.append(
                f"Mest å hente på {DIMENSION_LABELS[worst.name].lower()} ({worst.score:.0f} av 100)."
            )
        return words

    def summary(self) -> tuple[tuple[Finding, ...], tuple[ImprovementPoint, ...]]:
        report = self.report
        takeaways: list[str] = []
        if not report.complete:
            takeaways.append(INCOMPLETE_TAKEAWAY)
        takeaways += [TAKEAWAYS[code] for code in report.cap_reasons if code in TAKEAWAYS][:2]
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
                    area=f"{DIMENSION_LABELS[dimension.name]}: {RATING_LABELS[dimension.rating].lower()}",
                    action=IMPROVEMENT_ACTIONS[key],
                    owner=owners.most_common(1)[0][0] if owners else None,
                )
            )
        for point in improvements:
            findings.append(
                Finding(
                    "summary",
                    "improvement",
                    f"{point.area}. Tiltak: {point.action}"
                    + (f" Ansvarlig: {self.name(point.owner)}." if point.owner else ""),
                    role=point.owner,
                    dimension=point.dimension,
                )
            )
        return tuple(findings), tuple(improvements)


def _ownership_words(details: Mapping[str, Any]) -> str | None:
    if details.get("first_owner_day") is None:
        return "Ingen tok stafetten i saken."
    share = round(100 * details.get("coverage", 0.0))
    return (
        f"Saken hadde én tydelig stafettholder {share} % av tiden fra dag {details.get('window_start_day')}."
    )


def _parents_words(details: Mapping[str, Any]) -> str | None:
    if details.get("talks") == 0 and details.get("indicated"):
        return "Ingen hadde en samtale med foreldrene om uroen."
    return None


def _follow_up_words(details: Mapping[str, Any]) -> str | None:
    if details.get("evaluated") == 0.0:
        return "Tiltakene ble aldri evaluert."
    if details.get("feedback") == 0.0:
        return "Melderen fikk aldri tilbakemelding fra barneverntjenesten."
    return None


# The sentence for one piece of evidence, by its kind; None when the evidence is not telling.
EVIDENCE_WORDS: dict[str, Callable[[_Writer, Evidence], str | None]] = {
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
DETAIL_WORDS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "ownership": _ownership_words,
    "parents": _parents_words,
    "follow_up": _follow_up_words,
}


def flag_observations(
    scenario: Scenario, timeline: Timeline, report: Report, lang: str = "nb"
) -> tuple[str, ...]:
    """One sentence per flag of the report, in its order: what happened, who, what item, where.

    The same sentence the debrief uses for the flag (its observation), so a flag has one message form
    wherever it is shown; English with `lang="en"` (scenario content stays in the scenario's language).
    """
    writer = _Writer(scenario, timeline, report, lang)
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
