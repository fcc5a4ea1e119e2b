"""Frozen data types of the scoring library: a drill log goes in, reports and debrief findings come out.

Everything here is plain data (strings, numbers, tuples, mappings, datetimes), so a report can be
stored as JSON (see `scoring.storage`) and compared across drills without the scenario at hand.
Scores are on a 0–100 scale; `None` means "not applicable to this drill", never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from scoring.messages import N_
from scoring.messages import Message
from scoring.messages import render

# The seven coordination dimensions, in the order reports and debriefs list them.
DIMENSION_NAMES = (
    "escalation",
    "information",
    "ownership",
    "child_voice",
    "parents",
    "follow_up",
    "alignment",
)

# Their names, as bokmål msgids (the same words as `scenarios.vocabulary.DIMENSION_LABELS`).
DIMENSION_LABELS = {
    "escalation": N_("Tidlig og riktig eskalering"),
    "information": N_("Lovlig informasjonsdeling"),
    "ownership": N_("Tydelig eierskap"),
    "child_voice": N_("Barnets stemme"),
    "parents": N_("Foreldresamarbeid"),
    "follow_up": N_("Oppfølging og avslutning"),
    "alignment": N_("Samstemthet og felles bilde"),
}

CRITICAL = "critical"
WARNING = "warning"
INFO = "info"
SEVERITIES = (CRITICAL, WARNING, INFO)


@dataclass(frozen=True)
class DrillLog:
    """What the app stored about one drill: the ordered events and who ran it; no scenario inside."""

    events: tuple[Mapping[str, Any], ...] = field(hash=False)
    drill_id: str | None = None
    team_id: str | None = None
    started_at: datetime | None = None

    @classmethod
    def of(cls, events: Sequence[Mapping[str, Any]], **meta: Any) -> DrillLog:
        """Copy a list of event dicts into a log, so later changes to the list cannot leak in."""
        return cls(tuple(dict(event) for event in events), **meta)


@dataclass(frozen=True)
class ScoringConfig:
    """The tunable constants of the formulas, in one place so validation studies can calibrate them."""

    tau_days: float = 14.0  # escalation: a delay of tau days beyond the deadline leaves e^-1 ≈ 37 %
    info_tau_days: float = 14.0  # information: same decay for needed information that arrives late
    owner_tau_days: float = 14.0  # ownership: decay of the time until the first baton holder
    beta: float = 0.5  # information: F-beta weighs precision (no over-sharing) above recall
    annotation_weight: float = 0.25  # share of the authors' annotations in each dimension score
    early_factor: float = 0.5  # an escalation before it was due, unprepared, keeps this fraction
    other_role_factor: float = 0.5  # an expectation met by another role than the one named
    cap: float = 50.0  # the total is capped here when a critical error happened


@dataclass(frozen=True)
class Evidence:
    """One thing the team did (or failed to do) that a score or finding rests on, to cite in the debrief."""

    kind: (
        str  # action | share | choice | not_acted | baton | measure | follow_up | answer | expectation | need
    )
    role: str | None
    scene: str | None
    day: int | None
    seq: int | None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Flag:
    """A rule the team broke; critical flags cap the total and open the debrief."""

    code: str
    severity: str  # critical | warning | info
    rule: str  # the law or guideline the rule rests on, as authors cite it
    role: str | None
    scene: str | None
    day: int | None
    dimension: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class DimensionScore:
    """One coordination dimension: the blended score, its HSEEP rating and the evidence behind it."""

    name: str
    score: float | None
    rating: str | None
    evidence: tuple[Evidence, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)
    flags: tuple[Flag, ...] = ()
    rule_score: float | None = None  # the part computed from the event log
    annotation_score: float | None = None  # the part read from the authors' per-choice annotations


@dataclass(frozen=True)
class RoleContribution:
    """What one role brought: speed, activity, sharing, ownership and agreement with the expert."""

    role: str
    name: str
    latency_median_s: float | None
    latency_mean_s: float | None
    choices: int
    not_acted: int
    shares_made: int
    shares_received: int
    ownership_share: float | None  # share of case time (0–1) the role held the baton
    expert_agreement: float | None  # share (0–1) of the role's decisions that matched the expert choice
    expert_decisions: int = 0


@dataclass(frozen=True)
class InfoEdge:
    """Information passed from one role to another, with how much of it was lawful."""

    source: str
    target: str
    weight: int
    lawful: int
    infos: tuple[str, ...]


@dataclass(frozen=True)
class NeedReach:
    """Whether a role that needed an information item got it lawfully, and when."""

    info: str
    role: str
    due_scene: str | None
    due_day: int | None
    reached_day: int | None
    via: str  # share | holder | inject | unavailable | anonymous | unlawful | none
    on_time: bool


@dataclass(frozen=True)
class InfoFlowGraph:
    """Who told whom what: a directed graph over the roles, and the reach of the information needed."""

    nodes: tuple[str, ...]
    edges: tuple[InfoEdge, ...]
    density: float
    reciprocity: float | None
    isolated: tuple[str, ...]
    components: int
    needs: tuple[NeedReach, ...]
    reach: float | None  # share (0–1) of team-deliverable needs that arrived lawfully by their deadline


@dataclass(frozen=True)
class DivergentScene:
    """A scene where the roles pulled in different directions, measured on the authors' plan categories."""

    scene: str
    title: str
    day: int
    plans: Mapping[str, str] = field(hash=False)  # role -> plan category of its choice
    modal_share: float = 1.0
    entropy: float = 0.0  # bits
    normalised_entropy: float = 0.0  # 0 (all agree) … 1 (every role in its own category)
    expert_match: float | None = None  # share of the roles that took the expert choice
    expert_entropy: float = 0.0  # bits among the same roles' expert choices: the split the authors intend
    expert_modal_share: float = 1.0

    @property
    def excess_entropy(self) -> float:
        """How much more the team was split than the expert path is by design."""
        return max(0.0, self.entropy - self.expert_entropy)


@dataclass(frozen=True)
class ExpertComparison:
    """How often the team chose as the scenario's expert would, overall and per role."""

    matched: int
    decisions: int
    share: float | None
    per_role: Mapping[str, float | None] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Finding:
    """One item of the debrief as messages (codes and parameters), with the evidence it cites.

    An advocacy-inquiry finding has `observed`, `concern` and `question`; any other has `message`.
    The reader's language is chosen when it is shown (`scoring.messages.render`); the string
    properties give the bokmål sentences, for tests and tools that want plain text.
    """

    phase: str  # reactions | description | analysis | summary
    kind: str  # question | timeline | critical | divergence | observation | plus | delta | takeaway
    message: Message | None = None
    evidence: tuple[Evidence, ...] = ()
    role: str | None = None
    dimension: str | None = None
    severity: str | None = None
    observed: Message | None = None  # advocacy: what happened, with day and scene
    concern: Message | None = None  # advocacy: why the facilitator is concerned (or pleased)
    question: Message | None = None  # inquiry: a genuinely curious question
    rule: str = ""  # the law or guideline behind a flag, for the facilitator

    @property
    def parts(self) -> tuple[Message, ...]:
        """The messages the finding says, in order: the one message, or observation, concern, question."""
        if self.message is not None:
            return (self.message,)
        return tuple(m for m in (self.observed, self.concern, self.question) if m is not None)

    @property
    def text(self) -> str:
        """The whole finding in bokmål."""
        return " ".join(p for p in (render(m) for m in self.parts) if p)

    @property
    def observation(self) -> str:
        return render(self.observed)

    @property
    def consequence(self) -> str:
        return render(self.concern)

    @property
    def inquiry(self) -> str:
        return render(self.question)


@dataclass(frozen=True)
class ImprovementPoint:
    """An HSEEP improvement-plan item: an area (dimension and rating), a corrective action and an owner."""

    dimension: str
    rating: str | None
    remedy: Message
    owner: str | None

    @property
    def action(self) -> str:
        """The corrective action in bokmål."""
        return render(self.remedy)


@dataclass(frozen=True)
class DebriefPhase:
    """One PEARLS phase with its findings in the order the facilitator should use them."""

    name: str
    title: str  # the bokmål msgid of the phase's title, translated when shown
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Debrief:
    """A PEARLS debrief as data: reactions, description, analysis and summary, plus the improvement plan."""

    phases: tuple[DebriefPhase, ...]
    improvements: tuple[ImprovementPoint, ...] = ()

    def phase(self, name: str) -> DebriefPhase | None:
        """The phase with this name, if present."""
        return next((p for p in self.phases if p.name == name), None)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings in debrief order."""
        return tuple(f for p in self.phases for f in p.findings)


@dataclass(frozen=True)
class ReportSummary:
    """The few numbers of a report that comparisons need, small enough to load by the thousand.

    History percentiles and cohorts read only these fields, so the app stores a summary beside each
    full report and never decodes 10,000 full reports to draw a chart.
    """

    scenario_id: str
    total: float | None
    capped: bool
    rating: str | None
    scores: Mapping[str, float | None] = field(default_factory=dict, hash=False)
    started_at: datetime | None = None
    drill_id: str | None = None
    complete: bool = True  # incomplete drills are left out of percentiles and cohorts


@dataclass(frozen=True)
class Report:
    """The scored drill: the dimension profile first, the capped composite second, then roles and debrief."""

    scenario_id: str
    scenario_version: str
    dimensions: tuple[DimensionScore, ...]
    total: float | None
    capped: bool
    cap_reasons: tuple[str, ...]
    rating: str | None
    flags: tuple[Flag, ...]
    roles: tuple[RoleContribution, ...]
    info_flow: InfoFlowGraph
    divergent_scenes: tuple[DivergentScene, ...]
    expert: ExpertComparison
    debrief: Debrief | None = None
    weights: Mapping[str, float] = field(default_factory=dict, hash=False)
    percentiles: Mapping[str, float | None] | None = field(default=None, hash=False)
    drill_id: str | None = None
    team_id: str | None = None
    started_at: datetime | None = None
    ending: str | None = None
    outcome: str | None = None  # the ending's rating: good | mixed | poor
    finished: bool = False
    skipped_events: int = 0  # events the runtime rejected; they are left out of the score
    complete: bool = True  # False: ended before an ending, so scored only on what was played
    uncapped_total: float | None = None  # the composite before the critical-error cap

    @property
    def cap_lowered(self) -> bool:
        """Whether the critical-error cap lowered the total (not only that a critical flag was raised)."""
        return (
            self.capped
            and self.total is not None
            and self.uncapped_total is not None
            and self.uncapped_total > self.total
        )

    def dimension(self, name: str) -> DimensionScore | None:
        """The score of one dimension, if it was computed."""
        return next((d for d in self.dimensions if d.name == name), None)

    @property
    def scores(self) -> dict[str, float | None]:
        """Dimension name -> score, for tables and charts."""
        return {d.name: d.score for d in self.dimensions}

    @property
    def critical_flags(self) -> tuple[Flag, ...]:
        """The flags that capped the total."""
        return tuple(f for f in self.flags if f.severity == CRITICAL)


@dataclass(frozen=True)
class RunPoint:
    """One drill in a team's series."""

    drill_id: str | None
    scenario_id: str
    started_at: datetime | None
    total: float | None
    rating: str | None
    capped: bool


@dataclass(frozen=True)
class KendallsWResult:
    """Kendall's W with its chi-square approximation, as returned by `scoring.stats.kendalls_w`."""

    statistic: float
    chi2: float
    pvalue: float
    df: int
    raters: int
    items: int


@dataclass(frozen=True)
class TeamProgress:
    """A team's development over repeated drills: per-dimension series, change, trend and flags."""

    runs: tuple[RunPoint, ...]
    series: Mapping[str, tuple[float | None, ...]] = field(hash=False)
    change: Mapping[str, float | None] = field(hash=False)  # last minus first available score
    slope: Mapping[str, float | None] = field(hash=False)  # Theil–Sen points per drill
    improved: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    flags_resolved: tuple[str, ...] = ()
    flags_persistent: tuple[str, ...] = ()
    flags_new: tuple[str, ...] = ()
    profile_concordance: KendallsWResult | None = None  # do the runs rank the dimensions alike?


@dataclass(frozen=True)
class CohortRow:
    """Aggregate scores for one scenario in one period."""

    scenario_id: str
    period: str
    n: int
    mean: Mapping[str, float | None] = field(hash=False)
    median: Mapping[str, float | None] = field(hash=False)
    p25: Mapping[str, float | None] = field(hash=False)
    p75: Mapping[str, float | None] = field(hash=False)
    capped_rate: float = 0.0


@dataclass(frozen=True)
class SurvivalCurve:
    """Kaplan–Meier estimate of how long teams took to do an expected action, counted from its due day."""

    scenario_id: str
    action: str
    role: str | None
    n: int
    events: int  # drills in which the action happened; the rest are censored at the drill's end
    days: tuple[float, ...]
    waiting: tuple[float, ...]  # share of teams that had still not acted after each day in `days`
    median_days: float | None  # None when fewer than half the teams ever acted


@dataclass(frozen=True)
class Cohort:
    """Dimension scores over time per scenario, one row per (scenario, period), oldest period first."""

    period: str
    columns: tuple[str, ...]
    rows: tuple[CohortRow, ...]

    def for_scenario(self, scenario_id: str) -> tuple[CohortRow, ...]:
        """The rows of one scenario, oldest first."""
        return tuple(r for r in self.rows if r.scenario_id == scenario_id)
