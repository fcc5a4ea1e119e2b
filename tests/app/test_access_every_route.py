"""Every route of the app against every kind of visitor, with CSRF switched on: the routes the drill,
session, account and admin tables leave out are listed here, and a last test fails for any route of the app
that no table lists, so a new route cannot go untested for strangers.

404 means "no such thing for you" (another organisation's drill, draft or run looks like one that
does not exist), 403 means "not with your role", 302 sends an anonymous visitor to log in.
"""

from __future__ import annotations

import shutil

import pytest

from tests.app.test_admin import ADMIN_ROUTES
from tests.app.test_authoring_editor import new_draft
from tests.app.test_authoring_versions import MINIMAL
from tests.app.test_authoring_versions import save_version
from tests.app.test_drills_access import ROUTES as DRILL_ROUTES
from tests.app.test_drills_access import SESSION_ROUTES
from tests.app.test_learning_quiz import MINI as MINI_COURSE
from tests.app.test_privacy_access import ROUTES as ACCOUNT_ROUTES
from tests.conftest import control
from tests.conftest import csrf_token

VISITORS = ["anonymous", "guest", "member", "stranger", "owner", "admin"]

COURSE = "/courses/mini-kurs"


def everyone(status: int) -> tuple[int, ...]:
    return (status,) * len(VISITORS)


ALL_200, ALL_404 = everyone(200), everyone(404)
# Admin pages about a participant of "our" municipality: another municipality's admin finds no one.
ADMIN_PAGE = (302, 403, 403, 404, 403, 200)
ADMIN_ACTS = (302, 403, 403, 404, 403, 302)
# Staff pages that show the visitor's own organisation (the stranger sees theirs).
STAFF_OWN_ORG = (302, 403, 403, 200, 200, 200)
STAFF_FORM_REFUSED = (302, 403, 403, 400, 400, 400)


# The owner's draft: 404 for everyone else, the admin included (drafts are their writers' own).
def draft_of_owner(owner: int) -> tuple[int, ...]:
    return (302, 403, 403, 404, owner, 404)


# Courses are for everyone with an account; a drill's guest has none.
def learner(status: int) -> tuple[int, ...]:
    return (302, 403, status, status, status, status)


LEARNER = learner(200)
# The owner's drill, ended: its debrief is for its facilitator and the organisation's admin.
DEBRIEF = (302, 403, 403, 404, 200, 200)


# The owner's solo run: nobody else finds it; a guest is sent to log in.
def solo(owner: int) -> tuple[int, ...]:
    return (302, 302, 404, 404, owner, 404)


# Routes that redirect an anonymous visitor somewhere other than the login page.
NOT_TO_LOGIN = {"/language", "/auth/logout"}

# (method, path template, form data, expected status per visitor, in VISITORS order)
ROUTES: list[tuple[str, str, dict, tuple[int, ...]]] = [
    ("GET", "/", {}, (302, 302, 200, 200, 200, 200)),
    ("GET", "/healthz", {}, ALL_200),
    ("POST", "/language", {"language": "nn"}, everyone(302)),
    ("GET", "/auth/login", {}, (200, 200, 302, 302, 302, 302)),
    ("POST", "/auth/login", {}, (200, 200, 302, 302, 302, 302)),
    ("POST", "/auth/logout", {}, everyone(302)),
    ("GET", "/auth/invite/no-such-token", {}, ALL_404),
    ("POST", "/auth/invite/no-such-token", {}, ALL_404),
    ("GET", "/admin/users/{member_id}", {}, ADMIN_PAGE),
    ("GET", "/admin/users/{member_id}/data.json", {}, ADMIN_PAGE),
    ("POST", "/admin/users/{member_id}/role", {"role": "author"}, ADMIN_ACTS),
    ("POST", "/admin/users/{member_id}/deactivate", {}, ADMIN_ACTS),
    ("POST", "/admin/users/{member_id}/reactivate", {}, ADMIN_ACTS),
    ("POST", "/admin/users/{member_id}/sessions/end", {}, ADMIN_ACTS),
    ("POST", "/admin/users/{member_id}/mfa/reset", {}, ADMIN_ACTS),
    ("POST", "/admin/users/{member_id}/erase", {}, ADMIN_ACTS),
    ("POST", "/admin/invitations/{invitation_id}/revoke", {}, (302, 403, 403, 404, 403, 404)),
    ("GET", "/authoring/", {}, STAFF_OWN_ORG),
    ("GET", "/authoring/{scenario}", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/edit", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/explore", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/graph", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/review", {}, draft_of_owner(404)),
    ("GET", "/authoring/{scenario}/versions", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/versions/1", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/versions/1/export", {}, draft_of_owner(200)),
    ("GET", "/authoring/{scenario}/diff?a=1&b=1", {}, draft_of_owner(200)),
    ("POST", "/authoring/{scenario}/versions", {}, draft_of_owner(400)),
    ("POST", "/authoring/{scenario}/autosave", {}, draft_of_owner(400)),
    ("POST", "/authoring/{scenario}/preview", {}, draft_of_owner(200)),
    ("POST", "/authoring/{scenario}/submit", {}, draft_of_owner(422)),
    ("POST", "/authoring/{scenario}/approve", {}, draft_of_owner(403)),
    ("POST", "/authoring/{scenario}/send-back", {}, draft_of_owner(403)),
    ("POST", "/authoring/{scenario}/comments", {}, draft_of_owner(403)),
    ("POST", "/authoring/{scenario}/co-authors", {}, draft_of_owner(303)),
    ("POST", "/authoring/{scenario}/co-authors/{member_id}/remove", {}, draft_of_owner(303)),
    ("POST", "/authoring/{scenario}/sharing", {"sharing": "organisation"}, draft_of_owner(303)),
    ("POST", "/authoring/{scenario}/retire", {}, draft_of_owner(422)),
    ("POST", "/authoring/import", {}, STAFF_FORM_REFUSED),
    ("POST", "/authoring/new/copy", {}, STAFF_FORM_REFUSED),
    ("POST", "/authoring/new/template", {}, (302, 403, 403, 303, 303, 303)),
    ("GET", "/courses/", {}, LEARNER),
    ("GET", f"{COURSE}", {}, LEARNER),
    ("GET", f"{COURSE}/start", {}, LEARNER),
    ("POST", f"{COURSE}/start/done", {}, learner(303)),
    ("POST", f"{COURSE}/start/questions/q-start", {"option": "b"}, LEARNER),
    ("POST", f"{COURSE}/start/reflections/no-such-reflection", {"text": "Tanke"}, learner(404)),
    ("GET", f"{COURSE}/bilder/diagram.svg", {}, learner(404)),
    ("GET", f"{COURSE}/certificate", {}, learner(404)),
    ("GET", f"{COURSE}/quiz", {}, learner(303)),
    ("POST", f"{COURSE}/quiz", {}, learner(303)),
    ("GET", f"{COURSE}/quiz/no-such-attempt", {}, learner(404)),
    ("POST", "/courses/leaders/{member_id}", {}, (302, 403, 403, 404, 403, 303)),
    ("GET", "/courses/overview", {}, (302, 403, 403, 200, 403, 200)),
    ("GET", "/courses/overview.csv", {}, (302, 403, 403, 200, 403, 200)),
    ("GET", "/debrief/{drill}", {}, DEBRIEF),
    ("GET", "/debrief/{drill}/mine", {}, (404, 200, 404, 404, 404, 404)),
    ("GET", "/debrief/{drill}/mine.pdf", {}, (404, 200, 404, 404, 404, 404)),
    ("GET", "/debrief/{drill}/projector", {}, DEBRIEF),
    ("GET", "/debrief/{drill}/export.csv", {}, DEBRIEF),
    ("GET", "/debrief/{drill}/export.json", {}, DEBRIEF),
    ("GET", "/debrief/{drill}/report.pdf", {}, DEBRIEF),
    ("POST", "/debrief/{drill}/actions", {"what": "Ring", "who": "Rektor"}, (302, 403, 403, 404, 303, 303)),
    ("GET", "/debrief/cohort", {}, STAFF_OWN_ORG),
    ("POST", "/drills/join", {"code": "", "display_name": ""}, everyone(400)),
    ("GET", "/my-drills/", {}, ALL_200),
    ("POST", "/my-drills/forget", {}, everyone(303)),
    ("POST", "/facilitate/drills/new", {}, STAFF_FORM_REFUSED),
    ("GET", "/solo/", {}, (302, 302, 200, 200, 200, 200)),
    ("POST", "/solo/start", {}, (302, 302, 400, 400, 400, 400)),
    ("GET", "/solo/{run}", {}, solo(200)),
    ("POST", "/solo/{run}/choose", {}, solo(400)),
    ("POST", "/solo/{run}/answer", {}, solo(400)),
    ("GET", "/solo/{run}/debrief", {}, solo(303)),
    ("POST", "/solo/{run}/restart", {}, solo(303)),
]


@pytest.fixture
def app_config(tmp_path):
    """A course library holding only the small fixture course."""
    library = tmp_path / "courses"
    shutil.copytree(MINI_COURSE, library / "mini-kurs")
    return {"COURSE_LIBRARY": str(library)}


@pytest.fixture
def world(app, make_org, make_user, make_drill, join_as, client_for):
    """In "our" municipality: an author who ran an ended drill, wrote a draft and practises alone; an
    admin and a participant there; a guest of the drill; and an admin of another municipality."""
    town, other = make_org(), make_org()
    owner = make_user(role="author", org=town, name="Eva Eier")
    member = make_user(role="participant", org=town)
    drill = make_drill(facilitator=owner)
    guest = join_as(drill, "Gjest")
    clients = {
        "anonymous": app.test_client(),
        "guest": guest,
        "member": client_for(member),
        "stranger": client_for(make_user(role="admin", org=other)),
        "owner": client_for(owner),
        "admin": client_for(make_user(role="admin", org=town)),
    }
    writer = clients["owner"]
    assert control(writer, drill, "start").status_code == 303
    assert control(writer, drill, "end").status_code == 303
    draft = new_draft(writer)
    assert save_version(writer, draft, MINIMAL, "Første utkast").status_code == 303
    response = writer.post(
        "/solo/start",
        data={
            "scenario": "minimal",
            "role": "helsesykepleier",
            "profile": "cautious",
            "csrf_token": csrf_token(writer, "/solo/"),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    run = response.headers["Location"].rstrip("/").split("/")[-1]
    names = {
        "drill": drill.public_id,
        "scenario": draft,
        "run": run,
        "member_id": member.id,
        "invitation_id": 999_999,
    }
    return names, clients


@pytest.mark.parametrize(
    ("method", "template", "data", "expected"), ROUTES, ids=[r[1] + r[0] for r in ROUTES]
)
def test_every_route_for_every_visitor(world, method, template, data, expected):
    names, clients = world
    path = template.format(**names)
    got = []
    for visitor in VISITORS:
        client = clients[visitor]
        if method == "GET":
            response = client.get(path)
        else:
            form = {"csrf_token": csrf_token(client, "/drills/join"), **data}
            response = client.post(path, data=form)
        got.append(response.status_code)
        if response.status_code == 302 and visitor == "anonymous" and template not in NOT_TO_LOGIN:
            assert response.headers["Location"].startswith("/auth/login"), path
    assert dict(zip(VISITORS, got, strict=True)) == dict(zip(VISITORS, expected, strict=True)), path


class _Example(dict):
    """Example values for a table's placeholders: a number for ids, a word for the rest."""

    def __missing__(self, key: str) -> str:
        return "1" if key.endswith("_id") else "abc"


def _endpoint(app, method: str, path: str) -> str:
    """The endpoint a table's row reaches."""
    adapter = app.url_map.bind("localhost")
    return adapter.match(path.format_map(_Example()).split("?")[0], method=method.upper())[0]


def test_every_route_of_the_app_is_in_a_table(app):
    rows = [
        *((m, p) for m, p, _, _ in ROUTES),
        *((m, p) for m, p, _, _ in DRILL_ROUTES),
        *((m, p) for m, p, _, _ in SESSION_ROUTES),
        *((m, p) for m, p, _ in ACCOUNT_ROUTES),
        *ADMIN_ROUTES,
    ]
    listed = {(method.upper(), _endpoint(app, method, path)) for method, path in rows}
    missing = sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if (method, rule.endpoint) not in listed
    )
    assert missing == []
