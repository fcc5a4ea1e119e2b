"""Who may open the account, password, MFA and privacy pages: every new route against every kind of
visitor, with CSRF switched on, and a check that no route of these blueprints is left out."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token

VISITORS = ["anonymous", "guest", "participant", "facilitator", "admin"]

ANYONE = dict.fromkeys(VISITORS, 200)
LOGGED_IN = {"anonymous": 302, "guest": 302, "participant": 200, "facilitator": 200, "admin": 200}
# An unknown token is "not found" for everyone.
NO_SUCH_TOKEN = dict.fromkeys(VISITORS, 404)
# A POST with an empty form: logged-in people get the form back with its errors.
LOGGED_IN_FORM = {"anonymous": 302, "guest": 302, "participant": 200, "facilitator": 200, "admin": 200}

# A POST that changes the person's own data: done (303) for logged-in people.
LOGGED_IN_ACTION = {"anonymous": 302, "guest": 302, "participant": 303, "facilitator": 303, "admin": 303}
# A POST whose empty form is refused with its errors (400).
LOGGED_IN_REFUSED = {"anonymous": 302, "guest": 302, "participant": 400, "facilitator": 400, "admin": 400}

# (method, path, expected status per visitor)
ROUTES = [
    ("GET", "/auth/password", LOGGED_IN),
    ("POST", "/auth/password", LOGGED_IN_FORM),
    ("GET", "/auth/reset", ANYONE),
    ("POST", "/auth/reset", ANYONE),
    ("GET", "/auth/reset/no-such-token", NO_SUCH_TOKEN),
    ("POST", "/auth/reset/no-such-token", NO_SUCH_TOKEN),
    # Without a right password just before, the code step sends everyone back to log in.
    ("GET", "/auth/mfa/", dict.fromkeys(VISITORS, 302)),
    ("POST", "/auth/mfa/", dict.fromkeys(VISITORS, 302)),
    ("GET", "/auth/mfa/setup", LOGGED_IN),
    ("POST", "/auth/mfa/setup", LOGGED_IN_FORM),
    ("GET", "/account/data", LOGGED_IN),
    ("GET", "/account/data.json", LOGGED_IN),
    ("POST", "/account/reflections/clear", LOGGED_IN_ACTION),
    ("GET", "/account/delete", LOGGED_IN),
    ("POST", "/account/delete", LOGGED_IN_REFUSED),
    ("GET", "/about/no-such-org/privacy", NO_SUCH_TOKEN),
    ("GET", "/about/no-such-org/accessibility", NO_SUCH_TOKEN),
]
# The blueprints whose every route must appear in ROUTES.
BLUEPRINTS = ("passwords.", "mfa.", "privacy.")


@pytest.fixture
def clients(app, make_user, make_drill, join_as, client_for):
    """A browser for every kind of visitor."""
    drill = make_drill()
    return {
        "anonymous": app.test_client(),
        "guest": join_as(drill, "Gjest"),
        "participant": client_for(make_user(role="participant")),
        "facilitator": client_for(make_user(role="facilitator")),
        "admin": client_for(make_user(role="admin")),
    }


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES, ids=[r[1] + r[0] for r in ROUTES])
def test_every_route_for_every_visitor(clients, method, path, expected):
    for visitor in VISITORS:
        client = clients[visitor]
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": csrf_token(client, "/auth/reset")})
        assert response.status_code == expected[visitor], (visitor, method, path)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in ROUTES if m == "POST"])
def test_posts_without_a_csrf_token_are_refused(clients, method, path):
    assert clients["participant"].post(path).status_code in (400, 404)


def test_every_route_of_these_blueprints_is_in_the_table(app):
    listed = {
        (method, path.replace("no-such-token", "<token>").replace("no-such-org", "<slug>"))
        for method, path, _ in ROUTES
    }
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(BLUEPRINTS)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert rules == listed
