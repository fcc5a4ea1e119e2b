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
The child is called by `settings.child` (or `barn`) from the front matter, else by the first «Name (age)»
in the summary or introduction, else «barnet».
"""

from __future__ import annotations

import re
from collections import Counter
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

UNLAWFUL_BASIS = {
    "duty_to_report_wrong_recipient": (
        "med opplysningsplikten som grunnlag, men den gjelder bare overfor barneverntjenesten"
    ),
    "internal_other_service": "på tjenestlig behov, men til en annen tjeneste",
}

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
    "parents_told_before_police": (
        "{who} informerte foreldrene før politiet var varslet ({when}).",
        "Jeg er bekymret for at etterforskningen da kunne bli skadet.",
        "Hvordan tenkte dere om rekkefølgen mellom politiet og foreldrene?",
    ),
    "late_report": (
        "{who} {did} {when}, {late_days} dager etter fristen.",
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
        "{who} delte ikke {title} med {needed_by} i tide, selv om {because}{arrived}.",
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
        "Flere voksne spurte {child} ut: {roles}.",
        "Jeg er bekymret for at {child} da måtte fortelle på nytt, og at forklaringen blir påvirket.",
        "Hvordan kunne dere ha avtalt hvem som snakker med {child}?",
    ),
}
DROPPED_NOT_ACCEPTED = "{who} foreslo {to} som stafettholder, men overleveringen ble aldri tatt imot."


_NAME_AND_AGE = re.compile(r"\b([A-ZÆØÅ][a-zæøåé]+) \(\d{1,2}\)")


def child_name(scenario: Scenario) -> str:
    """What the debrief calls the child: `settings.child`, else «Emma (13)» in the summary, else «barnet»."""
    settings = scenario.meta.settings
    named = settings.get("child") or settings.get("barn")
    if isinstance(named, str) and named.strip():
        return named.strip()
    found = _NAME_AND_AGE.search(scenario.meta.summary) or _NAME_AND_AGE.search(scenario.intro)
    return found.group(1) if found else "barnet"


class _Writer:
    """Holds the scenario, timeline and report while the findings are written."""

    def __init__(self, scenario: Scenario, timeline: Timeline, report: Report) -> None:
        self.scenario = scenario
        self.timeline = timeline
        self.report = report
        self.child = child_name(scenario)

    # -- words -----------------------------------------------------------------------------------

    def name(self, role: str | None) -> str:
        return self.timeline.role_name(role) if role else "Ingen"

    def names(self, roles) -> str:
        return self.listing(self.name(r) for r in roles)

    @staticmethod
    def listing(items) -> str:
        """«a», «a og b», «a, b og c»."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + " og " + items[-1]

    def when(self, day: int | None, scene: str | None) -> str:
        found = self.scenario.scene(scene) if scene else None
        parts = []
        if day is not None:
            parts.append(f"dag {day}")
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
        if templates is None:
            return (f"{values['who']}: {flag.code} ({values['when']}).", "", "Hva tenkte du der?")
        observation, consequence, inquiry = templates
        if flag.code == "dropped_baton" and flag.params.get("kind") != "released":
            observation = DROPPED_NOT_ACCEPTED
        return tuple(t.format(**values) for t in (observation, consequence, inquiry))

    def flag_values(self, flag: Flag) -> dict[str, str]:
        """The words the flag templates fill in."""
        p: Mapping[str, Any] = flag.params
        action = str(p.get("action", ""))
        if action.startswith("bti:"):
            did = f"løftet saken til {self.action(action)}"
        else:
            did = ACTION_TEXT.get(action, self.action(action))
        later_consent = any(
            a["seq"] > (self._seq_of(flag) or 0)
            for a in self.timeline.actions_of("request_consent", role=flag.role)
        )
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
            "thing": self.action(action),
            "reported": "varslet politiet" if action == "report_police" else "sendte bekymringsmelding",
            "late_days": str(p.get("late_days")),
            "done_by": self.name(p.get("done_by")),
            "needed_by": self.name(p.get("needed_by")),
            "because": "det var innhentet samtykke"
            if p.get("basis") == "consent"
            else "meldeplikten var utløst",
            "arrived": f"; det kom først fram dag {p['reached_day']}"
            if p.get("reached_day") is not None
            else "",
            "owners": self.names(p.get("owners", ())),
            "roles": self.names(p.get("roles", ())),
            "domain": DOMAIN_TEXT.get(p.get("domain"), str(p.get("domain"))),
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
            summary = (
                f"Saken gikk over {days} dager og {len(tl.visits)} scener "
                f"og endte med «{ending.title}» ({outcome})."
            )
        else:
            summary = f"Øvelsen er ikke ferdig: {len(tl.visits)} scener over {days} dager så langt."
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
            words.append(f"delte {infos} med {self.names(share.to)}")
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
            p = e.params
            who, when = self.name(e.role), self.when(e.day, e.scene)
            if e.kind == "expectation" and p.get("score", 1.0) < 1.0:
                action = self.action(p.get("action", ""))
                due = self.when(p.get("due_day"), p.get("due"))
                if p.get("status") == "never":
                    return f"Ingen {action} kom i stand, selv om den var ventet fra {due}.", (e,)
                if p.get("status") == "early":
                    return f"{who}: {action} kom allerede {when}, før den var ventet ({due}).", (e,)
                if p.get("other_role"):
                    return (
                        f"{action.capitalize()} kom fra {who}, "
                        f"ikke fra den rollen som hadde ansvaret ({when}).",
                        (e,),
                    )
                return f"{who}: {action} kom {when}, {p.get('late_days')} dager etter fristen.", (e,)
            if e.kind == "need":
                arrived = (
                    f"kom først fram dag {p['reached_day']}"
                    if p.get("reached_day") is not None
                    else "kom aldri fram"
                )
                due = f" (trengtes innen {self.when(e.day, e.scene)})" if e.day is not None else ""
                return f"«{p.get('info_title')}» {arrived} til {who}{due}.", (e,)
            if e.kind == "action" and p.get("decision") and p.get("heard") is False:
                decision = self.action(p["decision"])
                return self.text(
                    "{what} ({when}) ble besluttet før noen hadde hørt {child}.",
                    what=decision.capitalize(),
                    when=when,
                ), (e,)
            if e.kind == "measure" and p.get("follow_up") is False:
                return f"{who} satte i gang et tiltak ({when}) uten å sette en dato for oppfølging.", (e,)
            if e.kind == "follow_up" and p.get("kept") is False:
                return (
                    f"{who} satte en oppfølgingsdato ({when}), "
                    f"men ingen fulgte opp innen dag {p.get('due_day')}.",
                    (e,),
                )
            if e.kind == "answer" and p.get("correct") is False:
                checkpoint = self.checkpoint(p.get("checkpoint"))
                return (
                    f"{who} svarte «{self.option(p.get('checkpoint'), p.get('option'))}» på «{checkpoint}».",
                    (e,),
                )
            if e.kind in ("choice", "not_acted") and p.get("relative", 1.0) < 0.5:
                if e.kind == "not_acted":
                    return f"{who} tok ikke noe valg ({when}).", (e,)
                return f"{who} valgte «{p.get('label')}» ({when}).", (e,)
        details = dimension.details
        if dimension.name == "ownership" and details.get("first_owner_day") is None:
            return "Ingen tok stafetten i saken.", ()
        if dimension.name == "ownership":
            share = round(100 * details.get("coverage", 0.0))
            return (
                f"Saken hadde én tydelig stafettholder {share} % av tiden "
                f"fra dag {details.get('window_start_day')}.",
                (),
            )
        if dimension.name == "parents" and details.get("talks") == 0 and details.get("indicated"):
            return "Ingen hadde en samtale med foreldrene om uroen.", ()
        if dimension.name == "follow_up" and details.get("evaluated") == 0.0:
            return "Tiltakene ble aldri evaluert.", ()
        if dimension.name == "follow_up" and details.get("feedback") == 0.0:
            return "Melderen fikk aldri tilbakemelding fra barneverntjenesten.", ()
        return None

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

    def summary(self) -> tuple[tuple[Finding, ...], tuple[ImprovementPoint, ...]]:
        report = self.report
        takeaways: list[str] = [TAKEAWAYS[code] for code in report.cap_reasons if code in TAKEAWAYS][:2]
        scored = [d for d in report.dimensions if d.score is not None and d.name != "alignment"]
        if scored:
            best = max(scored, key=lambda d: d.score)
            worst = min(scored, key=lambda d: d.score)
            takeaways.append(
                f"Teamet lyktes best med {DIMENSION_LABELS[best.name].lower()} ({best.score:.0f} av 100)."
            )
            if worst.score >= STRONG:
                takeaways.append(
                    "Teamet ble vurdert til P (gjennomført uten utfordringer) på alle dimensjoner."
                )
            elif worst is not best:
                takeaways.append(
                    f"Mest å hente på {DIMENSION_LABELS[worst.name].lower()} ({worst.score:.0f} av 100)."
                )
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
