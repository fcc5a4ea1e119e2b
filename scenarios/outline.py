"""A plain-data outline of a scenario, for `laget scenarios show` and the library pages."""

from __future__ import annotations

from typing import Any

from scenarios.model import Onset
from scenarios.model import Scenario


def _onset(onset: Onset | None) -> dict[str, Any] | None:
    """An onset as data: from the start, from a scene, or once a flag is set; None when it never holds."""
    if onset is None:
        return None
    return {"always": onset.always, "scene": onset.scene, "flag": onset.flag, "line": onset.line}


def outline(scenario: Scenario) -> dict[str, Any]:
    """Summarise a scenario as JSON-ready data, so an author can confirm how every key and list was read."""
    meta = scenario.meta
    return {
        "id": meta.id,
        "title": meta.title,
        "language": meta.language,
        "summary": meta.summary,
        "audience": list(meta.audience),
        "minutes": meta.minutes,
        "goals": list(meta.goals),
        "bti_level": meta.bti_level,
        "authors": list(meta.authors),
        "license": meta.license,
        "version": meta.version,
        "parents": meta.parents,
        "parents_contraindicated": _onset(meta.parents_onset),
        "averting_duty": _onset(meta.averting),
        "child": meta.child,
        "settings": {
            k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
            for k, v in meta.settings.items()
        },
        "expectations": [
            {"action": e.action, "due": e.due, "role": e.role, "grace_scenes": e.grace_scenes, "line": e.line}
            for e in meta.expectations
        ],
        "roles": [{"id": r.id, "name": r.name, "service": r.service} for r in meta.roles],
        "information": [
            {
                "id": i.id,
                "title": i.title,
                "sensitivity": i.sensitivity,
                "holders": list(i.holders),
                "needed_by": [{"role": n.role, "by": n.by, "line": n.line} for n in i.needs],
                "line": i.line,
            }
            for i in scenario.infos
        ],
        "scenes": [
            {
                "id": s.id,
                "title": s.title,
                "line": s.line,
                "day": s.day,
                "active_roles": list(s.active_roles),
                "choices": {r.role: [c.id for c in r.choices] for r in s.roles if r.choices},
                "checkpoints": [c.id for c in s.checkpoints],
                "next": [t.target for t in s.transitions],
            }
            for s in scenario.scenes
        ],
        "injects": [
            {"id": i.id, "title": i.title, "line": i.line, "to": list(i.to), "trigger": i.trigger.kind}
            for i in scenario.injects
        ],
        "endings": [
            {"id": e.id, "title": e.title, "rating": e.rating, "line": e.line} for e in scenario.endings
        ],
    }
