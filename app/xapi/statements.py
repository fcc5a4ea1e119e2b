"""xAPI 1.0.3 statements for what happens in a drill; the profile is described in docs/xapi-profile.md.

People are identified by an account on Laget (``XAPI_BASE_IRI`` as home page): a user by ``user/<id>``,
a guest who joined a drill without an account by ``drill/<drill>/participant/<id>``. Only when the user's
organisation has chosen it (``Organisation.xapi_actor_email``) is a user the actor by e-mail address
(``mbox``), decided when the statement is built and queued; guests never are.
Activity ids are IRIs under ``XAPI_BASE_IRI`` built from the scenario's, scene's, role's, choice's and
checkpoint's ids as the author wrote them, so the same choice has the same IRI in every drill and
version; the exact scenario version is in the context. Statement ids and registrations are UUIDv5
derived from the drill and the event, so building the statement of an event again gives the same id.
"""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime
from typing import Any
from urllib.parse import quote

from app.extensions import db
from app.models import Drill
from app.models import DrillEvent
from app.models import Participant
from app.models import ScenarioVersion
from app.models import User
from app.models.learning import QuizAttempt
from app.models.solo import SoloRun
from courses.model import Course
from courses.model import Lesson
from scenarios.model import Scenario

VERSION = "1.0.3"

VERB_SELECTED = {"id": "http://id.tincanapi.com/verb/selected", "display": {"en": "selected"}}
VERB_ANSWERED = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "answered"}}
VERB_COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}}
VERB_PASSED = {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en": "passed"}}
VERB_FAILED = {"id": "http://adlnet.gov/expapi/verbs/failed", "display": {"en": "failed"}}

TYPE_SCENARIO = "http://id.tincanapi.com/activitytype/scenario"
TYPE_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
TYPE_QUESTION = "http://adlnet.gov/expapi/activities/question"
TYPE_SCENE = "http://id.tincanapi.com/activitytype/step"
TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_LESSON = "http://adlnet.gov/expapi/activities/lesson"
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"

# The runtime events that are a person's step: a choice or a checkpoint answer.
STEP_EVENTS = frozenset({"choose", "answer"})

# Extension keys, relative to XAPI_BASE_IRI.
EXT_RATINGS = "xapi/extensions/ratings"
EXT_ROLE = "xapi/extensions/role"
EXT_SCENARIO_VERSION = "xapi/extensions/scenario-version"
EXT_TEAM_PROFILE = "xapi/extensions/team-profile"
EXT_COURSE_VERSION = "xapi/extensions/course-version"
EXT_PASS_MARK = "xapi/extensions/pass-mark"

# The namespace of every UUIDv5 Laget derives: statement ids and registrations.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://laget/xapi")


class Iris:
    """The IRIs of one Laget installation, all below its base IRI."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/"

    def __call__(self, *parts: str) -> str:
        """``base/part/part…`` with each part percent-encoded, so an author's id never breaks the IRI."""
        return self.base + "/".join(quote(part, safe="") for part in parts)

    def extension(self, key: str) -> str:
        """The IRI of one of Laget's extensions."""
        return self.base + key

    def account(self, name: str) -> dict[str, Any]:
        """An agent identified by its account on this installation."""
        return {"objectType": "Agent", "account": {"homePage": self.base, "name": name}}


def _name(text: str, language: str) -> dict[str, str]:
    """A language map holding the text as the author wrote it."""
    return {language or "nb": text}


def mbox_agent(email: str) -> dict[str, Any]:
    """An agent identified by e-mail address, for organisations that chose it."""
    return {"objectType": "Agent", "mbox": f"mailto:{email}"}


def user_actor(iris: Iris, user: User) -> dict[str, Any]:
    """The actor for a person with an account: by e-mail if their organisation chose it, else the account."""
    if user.organisation is not None and user.organisation.xapi_actor_email:
        return mbox_agent(user.email)
    return iris.account(f"user/{user.id}")


def _user_actor_by_id(iris: Iris, user_id: int) -> dict[str, Any]:
    user = db.session.get(User, user_id)
    return user_actor(iris, user) if user is not None else iris.account(f"user/{user_id}")


def person(iris: Iris, participant: Participant | None, user: User | None, drill: Drill) -> dict[str, Any]:
    """The actor: the user (see ``user_actor``), or the guest's place in this drill; never a name."""
    if user is not None:
        return user_actor(iris, user)
    if participant is not None:
        return iris.account(f"drill/{drill.public_id}/participant/{participant.id}")
    raise ValueError("an xAPI statement needs a person")


def registration(drill: Drill) -> str:
    """One registration per drill, shared by every statement of the drill."""
    return str(uuid.uuid5(NAMESPACE, f"drill/{drill.public_id}"))


def statement_id(drill: Drill, event: DrillEvent) -> str:
    """The statement of a drill event always gets the same id, so it is stored at most once."""
    return str(uuid.uuid5(NAMESPACE, f"drill/{drill.public_id}/event/{event.seq}"))


def _scenario_context(
    iris: Iris, version: ScenarioVersion, scenario: Scenario, scene_id: str, role_id: str
) -> dict[str, Any]:
    """The scene and scenario an event happened in, the role played and the exact scenario version."""
    key = version.scenario_key
    scene = scenario.scene(scene_id)
    language = scenario.meta.language
    return {
        "language": language,
        "contextActivities": {
            "parent": [
                {
                    "objectType": "Activity",
                    "id": iris("scenarios", key, "scenes", scene_id),
                    "definition": {
                        "type": TYPE_SCENE,
                        "name": _name(scene.title if scene else scene_id, language),
                    },
                }
            ],
            "grouping": [
                {
                    "objectType": "Activity",
                    "id": iris("scenarios", key),
                    "definition": {"type": TYPE_SCENARIO, "name": _name(scenario.meta.title, language)},
                }
            ],
        },
        "extensions": {
            iris.extension(EXT_ROLE): iris("scenarios", key, "roles", role_id),
            iris.extension(EXT_SCENARIO_VERSION): version.sha256,
        },
    }


def _step(iris: Iris, key: str, scenario: Scenario, payload: dict[str, Any]) -> dict[str, Any]:
    """Verb, object and result of a choice or a checkpoint answer, the same in drills and solo runs."""
    language = scenario.meta.language
    scene_id, role_id = str(payload["scene"]), str(payload["role"])
    scene = scenario.scene(scene_id)
    if payload["type"] == "choose":
        choice_id = str(payload["choice"])
        choice = scene.choice(role_id, choice_id) if scene else None
        ratings = {a.dimension: a.value for a in choice.annotations} if choice else {}
        return {
            "verb": VERB_SELECTED,
            "object": {
                "objectType": "Activity",
                "id": iris("scenarios", key, "scenes", scene_id, "roles", role_id, "choices", choice_id),
                "definition": {
                    "type": TYPE_INTERACTION,
                    "name": _name(choice.label if choice else choice_id, language),
                },
            },
            "result": {"response": choice_id, "extensions": {iris.extension(EXT_RATINGS): ratings}},
        }
    checkpoint_id, option_id = str(payload["checkpoint"]), str(payload["option"])
    checkpoint = next((c for c in (scene.checkpoints if scene else ()) if c.id == checkpoint_id), None)
    option = next((o for o in (checkpoint.options if checkpoint else ()) if o.id == option_id), None)
    definition: dict[str, Any] = {"type": TYPE_QUESTION, "interactionType": "choice"}
    if checkpoint is not None:
        definition["name"] = _name(checkpoint.question, language)
        definition["choices"] = [
            {"id": o.id, "description": _name(o.label, language)} for o in checkpoint.options
        ]
        definition["correctResponsesPattern"] = [o.id for o in checkpoint.options if o.correct]
    result: dict[str, Any] = {"response": option_id}
    if option is not None:
        result["success"] = option.correct
    return {
        "verb": VERB_ANSWERED,
        "object": {
            "objectType": "Activity",
            "id": iris("scenarios", key, "scenes", scene_id, "checkpoints", checkpoint_id),
            "definition": definition,
        },
        "result": result,
    }


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def drill_statement(iris: Iris, drill: Drill, event: DrillEvent) -> dict[str, Any] | None:
    """The statement of a participant's choice or checkpoint answer in a drill; None for other events."""
    if event.type not in STEP_EVENTS:
        return None
    version = drill.scenario_version
    context = _scenario_context(
        iris, version, drill.scenario, str(event.payload["scene"]), str(event.payload["role"])
    )
    context["registration"] = registration(drill)
    context["instructor"] = iris.account(f"user/{drill.facilitator_id}")
    context["team"] = {
        "objectType": "Group",
        "name": drill.team_name,
        "account": {"homePage": iris.base, "name": f"drill/{drill.public_id}"},
    }
    return {
        "id": statement_id(drill, event),
        "actor": person(iris, drill_participant(event), event_user(event), drill),
        **_step(iris, version.scenario_key, drill.scenario, event.payload),
        "context": context,
        "timestamp": _timestamp(event.created_at),
        "version": VERSION,
    }


def solo_statement(
    iris: Iris, run: SoloRun, seq: int, payload: dict[str, Any], at: datetime
) -> dict[str, Any] | None:
    """The statement of the person's own choice or answer in a solo run; None for the team's events."""
    if payload.get("type") not in STEP_EVENTS:
        return None
    version = run.scenario_version
    context = _scenario_context(iris, version, run.scenario, str(payload["scene"]), str(payload["role"]))
    context["registration"] = str(uuid.uuid5(NAMESPACE, f"solo/{run.public_id}"))
    context["extensions"][iris.extension(EXT_TEAM_PROFILE)] = run.profile
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"solo/{run.public_id}/event/{seq}")),
        "actor": _user_actor_by_id(iris, run.user_id),
        **_step(iris, version.scenario_key, run.scenario, payload),
        "context": context,
        "timestamp": _timestamp(at),
        "version": VERSION,
    }


def _course_context(
    iris: Iris, course_id: str, title: str, course_version: str, language: str
) -> dict[str, Any]:
    return {
        "language": language,
        "contextActivities": {
            "grouping": [
                {
                    "objectType": "Activity",
                    "id": iris("courses", course_id),
                    "definition": {"type": TYPE_COURSE, "name": _name(title, language)},
                }
            ]
        },
        "extensions": {iris.extension(EXT_COURSE_VERSION): course_version},
    }


def lesson_statement(
    iris: Iris, user_id: int, course: Course, course_version: str, lesson: Lesson, at: datetime
) -> dict[str, Any]:
    """The statement of a lesson completed for the first time."""
    language = course.meta.language
    return {
        "id": str(
            uuid.uuid5(NAMESPACE, f"user/{user_id}/courses/{course.meta.id}/lessons/{lesson.id}/completed")
        ),
        "actor": _user_actor_by_id(iris, user_id),
        "verb": VERB_COMPLETED,
        "object": {
            "objectType": "Activity",
            "id": iris("courses", course.meta.id, "lessons", lesson.id),
            "definition": {"type": TYPE_LESSON, "name": _name(lesson.title, language)},
        },
        "result": {"completion": True},
        "context": _course_context(iris, course.meta.id, course.meta.title, course_version, language),
        "timestamp": _timestamp(at),
        "version": VERSION,
    }


def quiz_statement(iris: Iris, attempt: QuizAttempt, course: Course, pass_mark: int) -> dict[str, Any]:
    """The statement of a sent final quiz: passed or failed, with the score in per cent."""
    language = course.meta.language
    score = float(attempt.score_percent or 0)
    context = _course_context(iris, course.meta.id, course.meta.title, attempt.course_version, language)
    context["registration"] = str(uuid.uuid5(NAMESPACE, f"quiz-attempt/{attempt.public_id}"))
    context["extensions"][iris.extension(EXT_PASS_MARK)] = pass_mark
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"quiz-attempt/{attempt.public_id}/sent")),
        "actor": _user_actor_by_id(iris, attempt.user_id),
        "verb": VERB_PASSED if attempt.passed else VERB_FAILED,
        "object": {
            "objectType": "Activity",
            "id": iris("courses", course.meta.id, "quiz"),
            "definition": {"type": TYPE_ASSESSMENT, "name": _name(course.meta.title, language)},
        },
        "result": {
            "score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
            "success": bool(attempt.passed),
            "completion": True,
        },
        "context": context,
        "timestamp": _timestamp(attempt.submitted_at or attempt.started_at),
        "version": VERSION,
    }


def drill_participant(event: DrillEvent) -> Participant | None:
    """The participant who sent the event, if a participant did."""
    return db.session.get(Participant, event.participant_id) if event.participant_id else None


def event_user(event: DrillEvent) -> User | None:
    """The account behind the event: a logged-in participant's or the facilitator's."""
    return db.session.get(User, event.user_id) if event.user_id else None
