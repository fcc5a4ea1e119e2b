"""Who may open which drill URL: every route against every kind of visitor, with CSRF switched on.

404 means "no such drill for you": a drill outside your organisation, or one you are not in, looks
exactly like a drill that does not exist. 403 means you may see it but not do this. Anonymous
visitors are sent to log in (302) from facilitator pages; guests taking part in a drill get 403.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Participant
from app.models import RoleAssignment
from tests.conftest import csrf_token

VISITORS = [
    "anonymous",
    "guest",
    "other_guest",
    "member",
    "other_org_facilitator",
    "colleague",
    "facilitator",
    "admin",
]

PLAYER_ONLY = dict.fromkeys(VISITORS, 404) | {"guest": 200}
PLAYER_ACTS = dict.fromkeys(VISITORS, 404) | {"guest": 303}
LOGIN = {"anonymous": 302, "guest": 403, "other_guest": 403, "member": 403}
VIEW_DRILL = LOGIN | {"other_org_facilitator": 404, "colleague": 200, "facilitator": 200, "admin": 200}
CONTROL = LOGIN | {"other_org_facilitator": 404, "colleague": 403, "facilitator": 303, "admin": 303}
CONTROL_PAGE = CONTROL | {"facilitator": 200, "admin": 200}
# The drill here is not marked as a test, so the people allowed to delete it are told it cannot be (409).
REFUSED_DELETE = CONTROL | {"facilitator": 409, "admin": 409}
ADMIN_ONLY = LOGIN | {"other_org_facilitator": 403, "colleague": 403, "facilitator": 403, "admin": 200}
OWN_PAGES = LOGIN | {"other_org_facilitator": 200, "colleague": 200, "facilitator": 200, "admin": 200}
# The observer screen: for the drill's observers (tested in test_observer.py) and the people running it;
# others of the organisation are refused (403), everyone else finds no such drill (404).
OBSERVE = dict.fromkeys(VISITORS, 404) | {"member": 403, "colleague": 403, "facilitator": 200, "admin": 200}
# Only observers write notes; the people running the drill read them.
OBSERVER_NOTE = OBSERVE | {"facilitator": 403, "admin": 403}

# (method, path template, form data, expected status per visitor)
ROUTES = [
    ("GET", "/drills/join", {}, dict.fromkeys(VISITORS, 200)),
    ("GET", "/drills/join/{code}", {}, dict.fromkeys(VISITORS, 200)),
    ("GET", "/drills/{id}/play", {}, PLAYER_ONLY),
    ("GET", "/drills/{id}/play/state", {}, PLAYER_ONLY),
    ("POST", "/drills/{id}/choose", {"role": "kontaktlaerer", "choice": "del", "scene": "uke1"}, PLAYER_ACTS),
    (
        "POST",
        "/drills/{id}/answer",
        {"role": "kontaktlaerer", "checkpoint": "cp-niva", "option": "n0", "scene": "uke1"},
        PLAYER_ACTS,
    ),
    ("POST", "/drills/{id}/take-role", {"role": "kontaktlaerer"}, PLAYER_ACTS),  # running: refused in words
    ("GET", "/facilitate/", {}, OWN_PAGES),
    ("GET", "/facilitate/library", {}, OWN_PAGES),
    ("GET", "/facilitate/drills/new", {}, OWN_PAGES),
    ("GET", "/facilitate/drills/{id}", {}, VIEW_DRILL),
    ("GET", "/facilitate/drills/{id}/state", {}, VIEW_DRILL),
    ("GET", "/facilitate/drills/{id}/projector", {}, VIEW_DRILL),
    (
        "POST",
        "/facilitate/drills/{id}/roles",
        {"role-kontaktlaerer": "", "role-helsesykepleier": ""},
        CONTROL,
    ),
    ("POST", "/facilitate/drills/{id}/roles-open", {"open": "1"}, CONTROL),
    ("POST", "/facilitate/drills/{id}/start", {}, CONTROL),  # already running: refused with a message
    ("POST", "/facilitate/drills/{id}/pause", {}, CONTROL),
    ("POST", "/facilitate/drills/{id}/resume", {}, CONTROL),
    ("POST", "/facilitate/drills/{id}/timer", {"minutes": "5"}, CONTROL),
    ("POST", "/facilitate/drills/{id}/advance", {"scene": "uke1"}, CONTROL),
    ("POST", "/facilitate/drills/{id}/injects/mor-ringer", {}, CONTROL),
    ("POST", "/facilitate/drills/{id}/test", {"test": "1"}, CONTROL),
    ("GET", "/facilitate/drills/{id}/delete", {}, CONTROL_PAGE),
    ("POST", "/facilitate/drills/{id}/delete", {"confirm": "y"}, REFUSED_DELETE),
    ("POST", "/facilitate/drills/{id}/end", {}, CONTROL),
    ("POST", "/facilitate/drills/{id}/observers", {"name": "Olga"}, CONTROL),
    ("GET", "/observe/", {}, dict.fromkeys(VISITORS, 200)),
    ("POST", "/observe/", {"code": ""}, dict.fromkeys(VISITORS, 400)),
    ("GET", "/observe/{id}", {}, OBSERVE),
    ("GET", "/observe/{id}/state", {}, OBSERVE),
    ("POST", "/observe/{id}/notes", {"text": "Notat"}, OBSERVER_NOTE),
    ("GET", "/courses/grunnleggende-bti/scorm.zip", {}, ADMIN_ONLY),
]


@pytest.fixture
def world(app, make_user, make_org, make_drill, join_as, client_for):
    """One running drill in "our" municipality, another drill, and a browser for every kind of visitor."""
    ours, theirs = make_org(), make_org()
    facilitator = make_user(role="facilitator", org=ours)
    drill = make_drill(facilitator=facilitator)
    other_drill = make_drill(facilitator=make_user(role="facilitator", org=theirs))
    guest = join_as(drill, "Kari")
    with app.app_context():
        kari = db.session.scalar(select(Participant).where(Participant.drill_id == drill.id))
        for role in ("kontaktlaerer", "helsesykepleier"):
            db.session.add(RoleAssignment(drill_id=drill.id, role_id=role, participant_id=kari.id))
        db.session.commit()
        from app.facilitate.services import start_drill
        from app.models import Drill

        start_drill(db.session.get(Drill, drill.id))
        db.session.commit()
    clients = {
        "anonymous": app.test_client(),
        "guest": guest,
        "other_guest": join_as(other_drill, "Ola"),
        "member": client_for(make_user(role="participant", org=ours)),
        "other_org_facilitator": client_for(make_user(role="facilitator", org=theirs)),
        "colleague": client_for(make_user(role="facilitator", org=ours)),
        "facilitator": client_for(facilitator),
        "admin": client_for(make_user(role="admin", org=ours)),
    }
    return drill, clients


def visit(client, method: str, path: str, data: dict[str, str]):
    """Open ``path`` as a browser would: a GET, or a POST with the visitor's CSRF token and a fresh key."""
    if method == "GET":
        return client.get(path)
    form = {"csrf_token": csrf_token(client, "/drills/join"), "key": "0" * 32, **data}
    return client.post(path, data=form)


@pytest.mark.parametrize(
    ("method", "template", "data", "expected"), ROUTES, ids=[r[1] + r[0] for r in ROUTES]
)
def test_every_route_for_every_visitor(app, world, method, template, data, expected):
    drill, clients = world
    path = template.format(id=drill.public_id, code=drill.join_code)
    for visitor in VISITORS:
        response = visit(clients[visitor], method, path, data)
        assert response.status_code == expected[visitor], (visitor, method, path)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/auth/login")


def test_the_table_has_every_route_of_a_drill(app):
    """A new drill route without a row here would go untested for every visitor."""
    rows = {(method, template) for method, template, _, _ in ROUTES}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("drills.", "facilitate.")) or "<public_id>" not in rule.rule:
            continue
        template = rule.rule.replace("<public_id>", "{id}").replace("<inject_id>", "mor-ringer")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, template) in rows, (method, rule.rule)


def test_posts_without_a_csrf_token_are_refused(world):
    drill, clients = world
    for visitor in ("guest", "facilitator"):
        response = clients[visitor].post(f"/facilitate/drills/{drill.public_id}/end")
        assert response.status_code == 400
        response = clients[visitor].post(
            f"/drills/{drill.public_id}/choose", data={"role": "kontaktlaerer", "choice": "del"}
        )
        assert response.status_code == 400


def test_a_stolen_participant_id_without_its_token_opens_nothing(app, world):
    drill, clients = world
    intruder = app.test_client()
    with app.app_context():
        kari_id = db.session.scalar(select(Participant.id).where(Participant.drill_id == drill.id))
    with intruder.session_transaction() as session:
        session["drills"] = {drill.public_id: [kari_id, "guessed-token"]}
    assert intruder.get(f"/drills/{drill.public_id}/play").status_code == 404


def test_a_colleague_watches_without_controls(world):
    drill, clients = world
    html = clients["colleague"].get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "Bare den som laget den, eller en administrator, kan styre den." in html
    assert "/pause" not in html and "/end" not in html and "Lagre rollene" not in html
    owner = clients["facilitator"].get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)
    assert "/pause" in owner and "Lagre rollene" in owner


def test_every_drill_form_posts_with_a_csrf_token(world):
    drill, clients = world
    pages = {
        "guest": [f"/drills/{drill.public_id}/play", "/drills/join"],
        "facilitator": [f"/facilitate/drills/{drill.public_id}", "/facilitate/drills/new"],
    }
    for visitor, paths in pages.items():
        for path in paths:
            html = clients[visitor].get(path).get_data(as_text=True)
            assert html.count('method="post"') == html.count('name="csrf_token"'), path


def test_a_participant_cannot_open_a_role_they_do_not_hold(world):
    drill, clients = world
    guest = clients["guest"]
    for path in (f"/drills/{drill.public_id}/play", f"/drills/{drill.public_id}/play/state"):
        assert guest.get(f"{path}?role=helsesykepleier").status_code == 200
        assert guest.get(f"{path}?role=bvt").status_code == 403
        assert guest.get(f"{path}?role=ppt").status_code == 403


# --- Training sessions (økter) ----------------------------------------------------------------------

SESSION_VISITORS = [*VISITORS, "co_facilitator"]
VIEW_SESSION = VIEW_DRILL | {"co_facilitator": 200}
RUN_SESSION = CONTROL | {"co_facilitator": 303}

SESSION_ROUTES = [
    ("GET", "/facilitate/sessions/{id}", {}, VIEW_SESSION),
    ("GET", "/facilitate/sessions/{id}/state", {}, VIEW_SESSION),
    ("GET", "/facilitate/sessions/{id}/projector", {}, VIEW_SESSION),
    ("GET", "/facilitate/sessions/{id}/projector/state", {}, VIEW_SESSION),
    ("POST", "/facilitate/sessions/{id}/start", {}, RUN_SESSION),
    ("POST", "/facilitate/sessions/{id}/pause", {}, RUN_SESSION),
    ("POST", "/facilitate/sessions/{id}/resume", {}, RUN_SESSION),
    ("POST", "/facilitate/sessions/{id}/broadcast", {"text": "Hei"}, RUN_SESSION),
    ("POST", "/facilitate/sessions/{id}/facilitators", {"user": ""}, RUN_SESSION),
]


@pytest.fixture
def session_world(app, make_user, make_org, make_drill, join_as, client_for):
    """A session of two teams in "our" municipality with a co-facilitator, and a browser per visitor."""
    from app.facilitate import services
    from app.facilitate import sessions
    from app.models import ScenarioVersion
    from app.models import User

    ours, theirs = make_org(), make_org()
    facilitator = make_user(role="facilitator", org=ours)
    co_facilitator = make_user(role="facilitator", org=ours)
    make_drill(facilitator=facilitator)  # loads the library
    with app.app_context():
        owner = db.session.get(User, facilitator.id)
        session = sessions.create_session(owner, "Fagdag")
        version = db.session.scalar(select(ScenarioVersion))
        drills = services.create_drills(owner, version, "Fagdag", 2, session)
        sessions.add_co_facilitator(session, db.session.get(User, co_facilitator.id))
        db.session.commit()
        public_id, code = session.public_id, drills[0].join_code
    clients = {
        "anonymous": app.test_client(),
        "guest": join_as(SimpleNamespace(join_code=code), "Kari"),
        "other_guest": join_as(make_drill(facilitator=make_user(role="facilitator", org=theirs)), "Ola"),
        "member": client_for(make_user(role="participant", org=ours)),
        "other_org_facilitator": client_for(make_user(role="facilitator", org=theirs)),
        "colleague": client_for(make_user(role="facilitator", org=ours)),
        "co_facilitator": client_for(co_facilitator),
        "facilitator": client_for(facilitator),
        "admin": client_for(make_user(role="admin", org=ours)),
    }
    return public_id, clients


@pytest.mark.parametrize(
    ("method", "template", "data", "expected"), SESSION_ROUTES, ids=[r[1] + r[0] for r in SESSION_ROUTES]
)
def test_every_session_route_for_every_visitor(session_world, method, template, data, expected):
    public_id, clients = session_world
    path = template.format(id=public_id)
    for visitor in SESSION_VISITORS:
        response = visit(clients[visitor], method, path, data)
        assert response.status_code == expected[visitor], (visitor, method, path)


def test_the_table_has_every_route_of_a_session(app):
    """A new session route without a row here would go untested for every visitor."""
    rows = {(method, template) for method, template, _, _ in SESSION_ROUTES}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("sessions."):
            continue
        template = rule.rule.replace("<public_id>", "{id}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, template) in rows, (method, rule.rule)


def test_session_posts_without_a_csrf_token_are_refused(session_world):
    public_id, clients = session_world
    for action in ("start", "pause", "broadcast", "facilitators"):
        assert clients["facilitator"].post(f"/facilitate/sessions/{public_id}/{action}").status_code == 400
