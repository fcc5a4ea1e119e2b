"""LTI 1.3 with a real platform on the other side (tests/lti/platform.py, over HTTP): an admin
registers it, it launches Laget through login initiation and a signed id_token, launches that must
not pass are refused with a reason and leave no account, deep linking answers with a response our
JWKS verifies, a rotated key keeps old signatures checkable, and scores reach its line item.
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import func
from sqlalchemy import select

from tests.app.test_learning_quiz import everything
from tests.app.test_learning_quiz import finish_lessons
from tests.app.test_learning_quiz import open_quiz
from tests.app.test_learning_quiz import send_quiz
from tests.app.test_solo_runs import MINIMAL as MINIMAL_SCENARIO
from tests.app.test_solo_runs import finish
from tests.app.test_solo_runs import run_row
from tests.app.test_solo_runs import started
from tests.conftest import csrf_token
from tests.lti.platform import INSTRUCTOR
from tests.lti.platform import PlatformServer
from tests.lti.platform import PreparedLaunch

MINI = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "mini-kurs"
LAUNCH_URL = "http://localhost/lti/launch"


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """Only the small fixture course, whose right answers are all option a."""
    library = tmp_path / "courses"
    library.mkdir()
    shutil.copytree(MINI, library / "mini-kurs")
    return {"COURSE_LIBRARY": str(library)}


@pytest.fixture
def platform(app):
    """The platform's server; it reads Laget's JWKS through a client of its own."""
    from app.lti.remote import forget_keys

    reader = app.test_client()
    server = PlatformServer(lambda: reader.get("/lti/jwks.json").get_json())
    yield server
    server.close()
    forget_keys()


@pytest.fixture
def admin(auth):
    return auth.login("admin")


@pytest.fixture
def registered(app, client, admin, platform):
    """The platform, registered through the admin page by the organisation's admin."""
    data = {**platform.registration(), "csrf_token": csrf_token(client, "/admin/lti/new")}
    response = client.post("/admin/lti/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return platform


def _launch(client, platform, hint: str):
    """Login initiation, the platform's auth endpoint over HTTP, then its form posted to the launch."""
    response = client.get("/lti/login", query_string=platform.login_initiation(hint, LAUNCH_URL))
    assert response.status_code == 302, response.get_data(as_text=True)
    action, fields = platform.authorize(response.headers["Location"])
    assert action == LAUNCH_URL
    return client.post("/lti/launch", data=fields), fields


def _counts(app) -> tuple[int, int]:
    from app.extensions import db
    from app.models import User
    from app.models.lti import LtiAccount

    with app.app_context():
        return db.session.scalar(select(func.count(User.id))), db.session.scalar(
            select(func.count(LtiAccount.id))
        )


def _our_keys(client) -> KeySet:
    return KeySet.import_key_set(client.get("/lti/jwks.json").get_json())


def test_login_initiation_sends_the_browser_to_the_platform_with_a_state_and_a_nonce(app, registered):
    client = app.test_client()
    response = client.get("/lti/login", query_string=registered.login_initiation("hint", LAUNCH_URL))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == registered.url("/auth")
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["client_id"] == registered.client_id
    assert query["redirect_uri"] == LAUNCH_URL
    assert query["login_hint"] == "hint"
    assert (query["scope"], query["response_type"], query["response_mode"]) == (
        "openid",
        "id_token",
        "form_post",
    )
    assert len(query["state"]) > 30 and len(query["nonce"]) > 30 and query["state"] != query["nonce"]
    assert "laget_lti_state" in response.headers["Set-Cookie"]


def test_an_unknown_platform_cannot_start_a_login(app, registered):
    client = app.test_client()
    query = {**registered.login_initiation("hint", LAUNCH_URL), "iss": "https://ukjent.test"}
    response = client.get("/lti/login", query_string=query)
    assert response.status_code == 400
    assert "ikke registrert i Laget" in response.get_data(as_text=True)


def test_a_launch_makes_a_participant_account_once_and_lands_in_the_course(app, registered):
    from app.extensions import db
    from app.models import Role
    from app.models import User
    from app.models.lti import LtiAccount

    users_before, _ = _counts(app)
    registered.prepare(
        "kari", PreparedLaunch(sub="sub-kari", name="Kari Nordmann", target="course/mini-kurs")
    )
    client = app.test_client()
    response, _ = _launch(client, registered, "kari")
    assert response.status_code == 303
    assert response.headers["Location"] == "/courses/mini-kurs"
    assert "Kari Nordmann" in client.get("/courses/mini-kurs").get_data(as_text=True)

    again = app.test_client()
    _launch(again, registered, "kari")
    assert _counts(app) == (users_before + 1, 1)
    with app.app_context():
        link = db.session.scalar(select(LtiAccount))
        user = db.session.get(User, link.user_id)
        assert (link.subject, user.role, user.display_name) == ("sub-kari", Role.PARTICIPANT, "Kari Nordmann")
        admin_org = db.session.scalar(select(User.organisation_id).where(User.role == Role.ADMIN))
        assert user.organisation_id == admin_org
        assert user.password_hash is None


REFUSALS = [
    ("forged", {"forged": True}, "Signaturen på innloggingen fra læringsplattformen stemmer ikke."),
    ("wrong-aud", {"overrides": {"aud": "et-annet-verktoy"}}, "Innloggingen er ikke ment for Laget"),
    (
        "unknown-deployment",
        {"overrides": {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "ukjent"}},
        "Denne utrullingen (deployment) av Laget er ikke registrert.",
    ),
    ("expired", {"overrides": {"exp": 1_000_000}}, "Innloggingen er utløpt."),
    ("wrong-iss", {"overrides": {"iss": "https://falsk.test"}}, "kommer fra en annen plattform"),
    (
        "unknown-message",
        {
            "overrides": {
                "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiSubmissionReviewRequest"
            }
        },
        "kjenner ikke denne typen melding",
    ),
]


@pytest.mark.parametrize(("hint", "fields", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_launch_that_does_not_check_out_is_refused_and_creates_nothing(
    app, registered, hint, fields, reason
):
    before = _counts(app)
    registered.prepare(hint, PreparedLaunch(sub=f"sub-{hint}", target="course/mini-kurs", **fields))
    client = app.test_client()
    response, _ = _launch(client, registered, hint)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert _counts(app) == before
    assert client.get("/courses/mini-kurs").status_code == 302  # not logged in


def test_a_replayed_launch_is_refused(app, registered):
    registered.prepare("kari", PreparedLaunch(sub="sub-kari"))
    client = app.test_client()
    first, fields = _launch(client, registered, "kari")
    assert first.status_code == 303
    replay = client.post("/lti/launch", data=fields)
    assert replay.status_code == 400
    assert "Denne innloggingen er allerede brukt." in replay.get_data(as_text=True)

    # The same token under a fresh login: its nonce is not the one the new login asked for.
    other = app.test_client()
    response = other.get("/lti/login", query_string=registered.login_initiation("kari", LAUNCH_URL))
    state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
    refused = other.post("/lti/launch", data={"id_token": fields["id_token"], "state": state})
    assert refused.status_code == 400
    assert "Innloggingen er allerede brukt." in refused.get_data(as_text=True)
    assert _counts(app)[1] == 1


def test_a_launch_in_a_browser_that_did_not_start_the_login_is_refused(app, registered):
    before = _counts(app)
    registered.prepare("kari", PreparedLaunch(sub="sub-kari"))
    starter = app.test_client()
    response = starter.get("/lti/login", query_string=registered.login_initiation("kari", LAUNCH_URL))
    _, fields = registered.authorize(response.headers["Location"])
    response = app.test_client().post("/lti/launch", data=fields)
    assert response.status_code == 400
    assert "Nettleseren sendte ikke med innloggingen" in response.get_data(as_text=True)
    assert _counts(app) == before


def test_a_launch_with_a_token_that_is_no_jwt_is_refused(app, registered):
    registered.prepare("kari", PreparedLaunch(sub="sub-kari"))
    client = app.test_client()
    response = client.get("/lti/login", query_string=registered.login_initiation("kari", LAUNCH_URL))
    _, fields = registered.authorize(response.headers["Location"])
    for garbage in ("", "abc", "a.b.c", fields["id_token"][:-20]):
        response = client.post("/lti/launch", data={**fields, "id_token": garbage})
        assert response.status_code == 400, garbage
        assert "Signaturen på innloggingen" in response.get_data(as_text=True)
    assert _counts(app)[1] == 0
    assert client.post("/lti/launch", data=fields).status_code == 303  # the login was not used up


def test_a_launch_without_a_known_state_is_refused(app, registered):
    response = app.test_client().post("/lti/launch", data={"id_token": "x.y.z", "state": "ukjent"})
    assert response.status_code == 400
    assert "Innloggingen er ukjent eller for gammel." in response.get_data(as_text=True)


def test_a_staff_account_linked_to_the_platform_must_use_its_password(app, registered):
    from app.extensions import db
    from app.models import Role
    from app.models import User
    from app.models.lti import LtiAccount

    registered.prepare("kari", PreparedLaunch(sub="sub-kari"))
    _launch(app.test_client(), registered, "kari")
    with app.app_context():
        user = db.session.get(User, db.session.scalar(select(LtiAccount.user_id)))
        user.role = Role.FACILITATOR
        db.session.commit()
    client = app.test_client()
    response, _ = _launch(client, registered, "kari")
    assert response.status_code == 403
    assert client.get("/courses/mini-kurs").status_code == 302


def test_only_the_organisations_admins_register_and_remove_platforms(
    app, client, registered, auth, make_user
):
    from app.extensions import db
    from app.models.lti import LtiPlatform

    page = client.get("/admin/lti/").get_data(as_text=True)
    assert "http://localhost/lti/login" in page and "http://localhost/lti/jwks.json" in page
    assert "Testplattform" in page
    with app.app_context():
        platform_id = db.session.scalar(select(LtiPlatform.id))

    # Without a CSRF token, nothing is stored.
    data = {**registered.registration(), "client_id": "en-annen"}
    assert client.post("/admin/lti/new", data=data).status_code == 400
    # A bad address is marked on its field.
    bad = {**data, "jwks_url": "ikke en adresse", "csrf_token": csrf_token(client, "/admin/lti/new")}
    response = client.post("/admin/lti/new", data=bad)
    assert response.status_code == 400
    assert "Skriv en hel adresse som begynner med https://." in response.get_data(as_text=True)
    # The same issuer and client id twice is refused.
    same = {**registered.registration(), "csrf_token": csrf_token(client, "/admin/lti/new")}
    assert client.post("/admin/lti/new", data=same).status_code == 409

    for role in ("participant", "facilitator", "author"):
        other = app.test_client()
        other.post(
            "/auth/login",
            data={
                "email": make_user(role=role).email,
                "password": "riktig hest batteri stift",
                "csrf_token": csrf_token(other),
            },
        )
        assert other.get("/admin/lti/").status_code == 403
        assert other.get("/admin/lti/new").status_code == 403

    # Another deployment is added by editing, and a launch through it then passes.
    edit = f"/admin/lti/{platform_id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert "Endre Testplattform" in form and registered.deployment_id in form
    changed = {
        **registered.registration(),
        "deployment_ids": f"{registered.deployment_id}\nutrulling-2",
        "csrf_token": csrf_token(client, edit),
    }
    assert client.post(edit, data=changed).status_code == 303
    deployment = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
    registered.prepare("ny", PreparedLaunch(sub="sub-ny", overrides={deployment: "utrulling-2"}))
    assert _launch(app.test_client(), registered, "ny")[0].status_code == 303

    stranger = app.test_client()
    stranger.post(
        "/auth/login",
        data={
            "email": make_user(role="admin").email,
            "password": "riktig hest batteri stift",
            "csrf_token": csrf_token(stranger),
        },
    )
    assert "Testplattform" not in stranger.get("/admin/lti/").get_data(as_text=True)
    token = csrf_token(stranger, "/admin/lti/")
    assert stranger.post(f"/admin/lti/{platform_id}/remove", data={"csrf_token": token}).status_code == 404
    assert stranger.get(edit).status_code == 404
    assert stranger.post(edit, data={**changed, "name": "Kapret", "csrf_token": token}).status_code == 404

    token = csrf_token(client, "/admin/lti/")
    assert client.post(f"/admin/lti/{platform_id}/remove", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(LtiPlatform.id))) == 0


def _pick(client, target: str):
    page = client.get("/lti/pick").get_data(as_text=True)
    assert f'value="{target}"' in page
    return client.post("/lti/pick", data={"target": target, "csrf_token": csrf_token(client, "/lti/pick")})


def test_deep_linking_returns_a_response_that_verifies_with_our_jwks(app, registered):
    registered.prepare(
        "lærer", PreparedLaunch(sub="sub-laerer", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
    )
    client = app.test_client()
    response, _ = _launch(client, registered, "lærer")
    assert response.headers["Location"] == "/lti/pick"
    unpicked = client.post("/lti/pick", data={"csrf_token": csrf_token(client, "/lti/pick")})
    assert unpicked.status_code == 400 and "Velg et kurs eller et scenario." in unpicked.get_data(
        as_text=True
    )

    answer = _pick(client, "course/mini-kurs")
    html = answer.get_data(as_text=True)
    assert f'action="{registered.url("/deep-link-return")}"' in html
    assert answer.headers["Content-Security-Policy"].endswith(f"form-action 'self' {registered.base}")
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    claims = jwt.decode(token, _our_keys(client), algorithms=["RS256"]).claims
    assert claims["iss"] == registered.client_id and claims["aud"] == registered.issuer
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == registered.deployment_id
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-data-42"
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == LAUNCH_URL
    assert item["custom"] == {"laget": "course/mini-kurs"}
    assert item["lineItem"]["scoreMaximum"] == 100
    # The request is answered once.
    assert client.get("/lti/pick").status_code == 404


def test_a_learner_cannot_pick_content_for_the_platform(app, registered):
    before = _counts(app)
    registered.prepare("elev", PreparedLaunch(sub="sub-elev", message_type="LtiDeepLinkingRequest"))
    response, _ = _launch(app.test_client(), registered, "elev")
    assert response.status_code == 400
    assert "Bare lærere og administratorer" in response.get_data(as_text=True)
    assert _counts(app) == before


def test_a_rotated_key_keeps_what_the_old_one_signed_checkable_for_a_while(app, client, admin):
    from app.lti import keys
    from app.models import utcnow

    with app.test_request_context():
        old = keys.sign({"iss": "laget"})
        from app.extensions import db

        db.session.commit()
    old_kid = jwt.decode(old, _our_keys(client), algorithms=["RS256"]).header["kid"]

    response = client.post("/admin/lti/keys/rotate", data={"csrf_token": csrf_token(client, "/admin/lti/")})
    assert response.status_code == 303
    published = _our_keys(client)
    assert len(published.keys) == 2
    jwt.decode(old, published, algorithms=["RS256"])  # the old signature still verifies
    with app.test_request_context():
        new = keys.sign({"iss": "laget"})
        later = utcnow() + app.config["LTI_KEY_OVERLAP"] + timedelta(minutes=1)
        kids_later = {key["kid"] for key in keys.jwks(later)["keys"]}
    assert jwt.decode(new, published, algorithms=["RS256"]).header["kid"] != old_kid
    assert old_kid not in kids_later and len(kids_later) == 1
    assert client.post("/admin/lti/keys/rotate").status_code == 400  # no CSRF token, no new key
    assert len(_our_keys(client).keys) == 2


def test_the_final_quiz_score_reaches_the_platforms_line_item_in_the_background(app, registered):
    from app.extensions import db
    from app.lti.grades import deliver
    from app.models import utcnow
    from app.models.learning import QuizAttempt
    from app.models.lti import LtiScore

    registered.prepare(
        "kari", PreparedLaunch(sub="sub-kari", target="course/mini-kurs", lineitem="/lineitems/7")
    )
    client = app.test_client()
    _launch(client, registered, "kari")
    finish_lessons(client)
    attempt, _, _ = open_quiz(client)
    registered.refuse_scores = 1
    assert send_quiz(client, attempt, everything("a")).status_code == 303
    assert registered.scores == []  # the quiz never waits for the platform

    with app.app_context():
        failed = deliver()
        assert (failed.sent, failed.failed) == (0, 1)
        assert deliver().sent == 0  # the retry waits for its backoff
        sent = deliver(utcnow() + timedelta(minutes=2))
        assert (sent.sent, sent.failed) == (1, 0)
        row = db.session.scalar(select(LtiScore))
        assert row.sent_at is not None and row.attempts == 1
        percent = db.session.scalar(
            select(QuizAttempt.score_percent).where(QuizAttempt.submitted_at.is_not(None))
        )
    ((lineitem, score),) = registered.scores
    assert lineitem == "/lineitems/7"
    assert score["userId"] == "sub-kari"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (percent, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert registered.token_requests  # a client assertion signed with our key got the token


def test_a_launch_without_a_line_item_sends_no_score(app, registered):
    from app.extensions import db
    from app.models.lti import LtiScore

    registered.prepare("kari", PreparedLaunch(sub="sub-kari", target="course/mini-kurs"))
    client = app.test_client()
    _launch(client, registered, "kari")
    finish_lessons(client)
    attempt, _, _ = open_quiz(client)
    send_quiz(client, attempt, everything("a"))
    with app.app_context():
        assert db.session.scalar(select(func.count(LtiScore.id))) == 0


@pytest.fixture
def minimal_scenario(app, tmp_path):
    """The small test scenario as the only library version."""
    from app.extensions import db
    from app.library import sync_library

    folder = tmp_path / "solo-library"
    folder.mkdir()
    shutil.copyfile(MINIMAL_SCENARIO, folder / MINIMAL_SCENARIO.name)
    with app.app_context():
        sync_library(folder)
        db.session.commit()


def test_a_solo_run_launched_from_the_platform_sends_its_total(app, registered, minimal_scenario):
    from app.lti.grades import deliver

    registered.prepare("kari", PreparedLaunch(sub="sub-kari", target="solo/minimal", lineitem="/lineitems/9"))
    client = app.test_client()
    response, _ = _launch(client, registered, "kari")
    assert response.headers["Location"] == "/solo/?scenario=minimal"
    url = started(client, scenario="minimal", role="kontaktlaerer")
    finish(client, app, url)
    run = run_row(app, url)
    with app.app_context():
        assert deliver().sent == 1
    ((lineitem, score),) = registered.scores
    assert lineitem == "/lineitems/9"
    assert score["userId"] == "sub-kari" and score["scoreGiven"] == round(run.total, 2)


def test_the_cli_rotates_the_key_and_sends_due_scores(app, runner):
    from app.cli import cli

    first = runner.invoke(cli, ["lti", "rotate-key"])
    second = runner.invoke(cli, ["lti", "rotate-key"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "Ny signeringsnøkkel" in second.output
    with app.test_request_context():
        from app.lti import keys

        assert len(keys.jwks()["keys"]) == 2
    sent = runner.invoke(cli, ["lti", "send"])
    assert sent.exit_code == 0 and "Sendt: 0, ikke levert: 0" in sent.output


STRANGE_REQUESTS = [
    (
        {"deep_link_return_url": "https://lms.test; script-src *", "accept_types": ["ltiResourceLink"]},
        "Læringsplattformen sa ikke hvor valget skal sendes.",
    ),
    (
        {"deep_link_return_url": "https://lms.test/return", "accept_types": ["file", "html"]},
        "Læringsplattformen tar ikke imot lenker til LTI-verktøy her.",
    ),
]


@pytest.mark.parametrize(("settings", "reason"), STRANGE_REQUESTS)
def test_a_deep_linking_request_laget_cannot_answer_is_refused(app, registered, settings, reason):
    before = _counts(app)
    registered.prepare(
        "lærer",
        PreparedLaunch(
            sub="sub-laerer",
            roles=[INSTRUCTOR],
            message_type="LtiDeepLinkingRequest",
            overrides={"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings},
        ),
    )
    response, _ = _launch(app.test_client(), registered, "lærer")
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert _counts(app) == before


def test_over_https_the_state_cookie_reaches_the_platforms_cross_site_post(app, registered):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    response = client.get(
        "/lti/login",
        query_string=registered.login_initiation("hint", LAUNCH_URL),
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Secure-laget_lti_state=")
    assert "Secure" in cookie and "SameSite=None" in cookie and "HttpOnly" in cookie
    assert "Path=/lti/launch" in cookie


def test_the_private_key_is_stored_sealed_and_a_changed_secret_key_makes_a_new_one(app, client):
    from app.extensions import db
    from app.lti import keys
    from app.models.lti import LtiKey

    first = client.get("/lti/jwks.json").get_json()["keys"]
    with app.app_context():
        stored = db.session.scalar(select(LtiKey.private_jwk))
    assert len(first) == 1 and first[0]["n"] not in stored and '"d"' not in stored
    assert "d" not in first[0]  # only the public half is published

    app.config["SECRET_KEY"] = "a-new-secret"
    after = client.get("/lti/jwks.json").get_json()["keys"]
    assert [key["kid"] for key in after] != [first[0]["kid"]] and len(after) == 1
    with app.test_request_context():
        token = keys.sign({"iss": "laget"})
    assert jwt.decode(token, KeySet.import_key_set({"keys": after}), algorithms=["RS256"])
