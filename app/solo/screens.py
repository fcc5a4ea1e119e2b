"""What the solo pages show: the person's role screen, feedback on their last step, and their debrief.

The role screen is the drills' own ``role_screen`` (it reads only the run's scenario, state and
status), so a solo player sees exactly what a team participant in that role would see and the text
reads the same. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.debrief import screens as debrief_screens
from app.drills.screens import RoleScreen
from app.drills.screens import role_screen
from app.i18n import gettext as _
from app.models import utcnow
from app.models.solo import SoloRun
from app.solo import services
from scenarios.model import Scenario
from scenarios.play import replay_lenient
from scenarios.profiles import CAUTIOUS
from scenarios.profiles import EXPERT
from scenarios.profiles import AnswerFeedback
from scenarios.profiles import Feedback
from scenarios.profiles import answer_feedback
from scenarios.profiles import choice_feedback
from scenarios.profiles import unanswered
from scoring import Report
from scoring.model import Finding
from scoring.model import Flag
from scoring.model import RoleContribution
from scoring.timeline import build_timeline

PROFILE_LABELS = {
    EXPERT: _l("Et erfarent team som følger anbefalt praksis"),
    CAUTIOUS: _l("Et forsiktig team som nøler med å dele og melde"),
}


# The same, short enough for a line in the list of the person's runs.
PROFILE_SHORT_LABELS = {
    EXPERT: _l("med et erfarent team"),
    CAUTIOUS: _l("med et forsiktig team"),
}
TEST_PLAY_ORIGIN = "authoring:"


@dataclass(frozen=True)
class RunEntry:
    """One of the person's runs in their list, with what tells two runs of one case and role apart."""

    run: SoloRun
    title: str
    role: str
    started: str
    profile: str
    test_play: bool


def run_entries(runs: list[SoloRun]) -> list[RunEntry]:
    """The person's runs as list entries, with what tells two runs of one case apart."""
    entries = []
    for run in runs:
        role = run.scenario.role(run.role_id)
        entries.append(
            RunEntry(
                run=run,
                title=run.scenario_version.title,
                role=role.name if role else run.role_id,
                started=format_datetime(run.started_at, "d. MMM y 'kl.' HH:mm"),
                profile=str(PROFILE_SHORT_LABELS.get(run.profile, run.profile)),
                test_play=run.origin.startswith(TEST_PLAY_ORIGIN),
            )
        )
    return entries


def profile_label(profile: str) -> str:
    """How the other roles play, in words."""
    return str(PROFILE_LABELS.get(profile, profile))


@dataclass(frozen=True)
class Step:
    """Feedback on the person's latest choice or answer, with the scene it was made in."""

    scene: str
    choice: Feedback | None = None
    answer: AnswerFeedback | None = None


@dataclass(frozen=True)
class SoloScreen:
    """The play page of a solo run: the role screen, the step feedback, and what the person must do."""

    run: SoloRun
    screen: RoleScreen
    step: Step | None
    pending_checkpoints: list[str]

    @property
    def announcement(self) -> str:
        """One calm sentence for the live region; the team always waits for the person, so say what to do."""
        scene = self.screen.scene
        if self.run.is_ended or scene is None:
            return _("Øvelsen er slutt.")
        if self.pending_checkpoints:
            return _("%(scene)s: Svar på sjekkpunktet.", scene=scene.title)
        if self.screen.choices:
            return _("%(scene)s: Teamet venter på valget ditt.", scene=scene.title)
        return _("%(scene)s pågår.", scene=scene.title)


def solo_screen(run: SoloRun) -> SoloScreen:
    """Build the person's view of their run."""
    # role_screen reads scenario, state, status and remaining_seconds; a SoloRun has all four (and no
    # assignments, which role_screen does without).
    screen = role_screen(run, run.role_id, [run.role_id], utcnow())  # type: ignore[arg-type]
    pending = unanswered(run.scenario, run.state, run.role_id) if not run.is_ended else []
    return SoloScreen(run=run, screen=screen, step=last_step(run), pending_checkpoints=pending)


def last_step(run: SoloRun) -> Step | None:
    """Feedback on the person's latest choice or answer, worked out from the state just before it."""
    mine = services.player_events(run)
    if not mine:
        return None
    seq, payload = mine[-1]
    events = services.run_events(run)[: seq - 1]
    scenario = run.scenario
    before, _skipped = replay_lenient(scenario, events)
    scene = scenario.scene(before["scene"])
    title = scene.title if scene else ""
    try:
        if payload.get("type") == "choose":
            return Step(title, choice=choice_feedback(scenario, before, run.role_id, payload["choice"]))
        return Step(title, answer=answer_feedback(scenario, before, payload["checkpoint"], payload["option"]))
    except (LookupError, KeyError):
        return None


@dataclass(frozen=True)
class Debrief:
    """The personal debrief: the person's role, their flags first, their choices and the findings for them."""

    run: SoloRun
    report: Report
    contribution: RoleContribution | None
    flags: list[Flag]
    critical: list[Finding]
    made: list[debrief_screens.Made]
    findings: list[Finding]
    bars: list[debrief_screens.Bar]


def personal_debrief(run: SoloRun) -> Debrief:
    """Build the debrief of an ended run from its stored report and its replayed timeline."""
    scenario: Scenario = run.scenario
    report = services.run_report(run)
    timeline = build_timeline(scenario, services.run_log(run))
    bars, _height = debrief_screens.chart(report)
    mine = _for_role(run.role_id)
    findings = (
        [f for f in report.debrief.findings if mine(f) and f.kind != "critical"] if report.debrief else []
    )
    return Debrief(
        run=run,
        report=report,
        contribution=next((r for r in report.roles if r.role == run.role_id), None),
        flags=sorted((f for f in report.flags if mine(f)), key=lambda f: f.severity != "critical"),
        # Every critical error caps the total, so the person sees them all, with whose they were.
        critical=debrief_screens.critical_findings(report),
        made=debrief_screens.choices_made(scenario, timeline, [run.role_id]),
        findings=findings,
        bars=bars,
    )


def _for_role(role_id: str) -> Any:
    """A filter for flags and findings about this role or about the team as a whole."""
    return lambda item: item.role in (None, role_id)
