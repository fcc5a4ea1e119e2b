"""Administration is limited to admins, and to the admin's own organisation."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Invitation
from app.models import Role
from app.models import User


@pytest.fixture
def org(make_org):
    """The organisation the logged-in admin belongs to."""
    return make_org("Bergen kommune")


@pytest.fixture
def admin(auth, org):
    """Log in as an admin of ``org`` and return that admin."""
    return auth.login(as_role="admin", org=org)


def _post(client, csrf, url, **data):
    return client.post(url, data={"csrf_token": csrf("/"), **data})


def _fetch(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_admin_lists_own_organisation_only(client, org, admin, make_user, make_org):
    colleague = make_user(org=org, name="Kollega Kommune")
    stranger = make_user(org=make_org("Annen kommune"), name="Fremmed Person")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Brukere i Bergen kommune" in html
    assert colleague.display_name in html
    assert stranger.display_name not in html
    assert "2 personer" in html
    assert "1 person passer med «Kollega»." in client.get("/admin/?q=Kollega").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/users/{id}"),
        ("post", "/admin/users/{id}/role"),
        ("post", "/admin/users/{id}/deactivate"),
        ("post", "/admin/users/{id}/reactivate"),
        ("post", "/admin/users/{id}/sessions/end"),
    ],
)
def test_admin_cannot_reach_people_in_other_organisations(
    app, client, csrf, admin, make_user, make_org, method, path
):
    stranger = make_user(org=make_org(), role="participant")
    url = path.format(id=stranger.id)
    if method == "get":
        response = client.get(url)
    else:
        response = _post(client, csrf, url, role="admin")
    assert response.status_code == 404
    after = _fetch(app, stranger.id)
    assert (after.role, after.active, after.session_epoch) == (Role.PARTICIPANT, True, 0)


def test_admin_cannot_revoke_another_organisations_invitation(app, client, csrf, admin, make_org, make_user):
    other_admin = make_user(role="admin", org=make_org())
    with app.app_context():
        invitation = Invitation(
            token_hash="x" * 64,
            email="a@b.test",
            role=Role.PARTICIPANT,
            organisation_id=other_admin.organisation_id,
            expires_at=db.func.now(),
        )
        db.session.add(invitation)
        db.session.commit()
        invitation_id = invitation.id
    assert _post(client, csrf, f"/admin/invitations/{invitation_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(Invitation, invitation_id) is not None


ADMIN_ROUTES = [
    ("get", "/admin/"),
    ("get", "/admin/invitations/new"),
    ("post", "/admin/invitations/new"),
    ("post", "/admin/invitations/1/revoke"),
    ("get", "/admin/users/1"),
    ("post", "/admin/users/1/role"),
    ("post", "/admin/users/1/deactivate"),
    ("post", "/admin/users/1/reactivate"),
    ("post", "/admin/users/1/sessions/end"),
    ("post", "/admin/users/1/mfa/reset"),
    ("get", "/admin/users/1/data.json"),
    ("post", "/admin/users/1/erase"),
    ("get", "/admin/settings"),
    ("post", "/admin/settings"),
    ("get", "/admin/sign-in/"),
    ("post", "/admin/sign-in/"),
    ("post", "/admin/sign-in/1/remove"),
    ("get", "/admin/audit/"),
    ("get", "/admin/audit/export.csv"),
]


@pytest.mark.parametrize("role", ["participant", "facilitator", "author"])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_every_admin_route_refuses_non_admins(client, csrf, auth, role, method, path):
    auth.login(as_role=role)
    response = client.get(path) if method == "get" else _post(client, csrf, path)
    assert response.status_code == 403


def test_every_admin_route_is_in_the_matrix(app):
    rules = {
        re.sub(r"<int:\w+>", "1", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("admin.", "audit."))
    }
    assert rules == {path for _, path in ADMIN_ROUTES}


def test_invite_shows_one_time_link_and_says_no_mail_is_sent(app, client, csrf, admin):
    response = _post(client, csrf, "/admin/invitations/new", email="Ny@Kommune.test", role="author")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Laget sender ikke e-post." in html
    link = re.search(r">(http://localhost/auth/invite/[^<]+)</textarea>", html).group(1)
    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation))
        assert invitation.email == "ny@kommune.test"
        assert invitation.role is Role.AUTHOR
        assert invitation.organisation_id == admin.organisation_id
        assert link.rsplit("/", 1)[1] not in invitation.token_hash
    assert "ny@kommune.test" in client.get("/admin/").get_data(as_text=True)
    invitee = app.test_client()
    path = link.removeprefix("http://localhost")
    assert "Du er invitert til Bergen kommune som forfatter." in invitee.get(path).get_data(as_text=True)


def test_new_invitation_replaces_the_open_one_for_the_same_address(app, client, csrf, admin):
    for _ in range(2):
        _post(client, csrf, "/admin/invitations/new", email="ny@kommune.test", role="participant")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 1


def test_invite_refuses_existing_account_and_bad_address(client, csrf, admin, make_user):
    existing = make_user()
    html = _post(client, csrf, "/admin/invitations/new", email=existing.email, role="participant").get_data(
        as_text=True
    )
    assert "Det finnes allerede en konto med denne e-postadressen." in html
    html = _post(
        client, csrf, "/admin/invitations/new", email="ikke-en-adresse", role="participant"
    ).get_data(as_text=True)
    assert "Skriv inn en gyldig e-postadresse" in html


def test_invite_refuses_unknown_role(app, client, csrf, admin):
    response = _post(client, csrf, "/admin/invitations/new", email="a@kommune.test", role="superuser")
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Invitation)) is None


def test_revoke_invitation(app, client, csrf, admin):
    _post(client, csrf, "/admin/invitations/new", email="ny@kommune.test", role="participant")
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id))
    response = _post(client, csrf, f"/admin/invitations/{invitation_id}/revoke")
    assert response.status_code == 302
    assert "er trukket tilbake" in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id) is None


def test_change_role(app, client, csrf, org, admin, make_user):
    member = make_user(org=org)
    response = _post(client, csrf, f"/admin/users/{member.id}/role", role="facilitator")
    assert response.status_code == 302
    assert _fetch(app, member.id).role is Role.FACILITATOR
    assert "har nå rollen fasilitator" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_admin_cannot_change_own_role_or_deactivate_self(app, client, csrf, admin):
    assert _post(client, csrf, f"/admin/users/{admin.id}/role", role="participant").status_code == 403
    assert _post(client, csrf, f"/admin/users/{admin.id}/deactivate").status_code == 403
    assert _fetch(app, admin.id).role is Role.ADMIN


def test_deactivation_ends_the_users_open_session(app, csrf, org, admin, client, make_user, client_for):
    member = make_user(org=org)
    member_client = client_for(member)
    assert member_client.get("/").status_code == 200

    assert _post(client, csrf, f"/admin/users/{member.id}/deactivate").status_code == 302
    assert member_client.get("/").headers["Location"] == "/auth/login"
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert "Deaktivert" in page
    assert f"{member.display_name} er deaktivert og logget ut." in page

    assert _post(client, csrf, f"/admin/users/{member.id}/reactivate").status_code == 302
    assert _fetch(app, member.id).active
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f"{member.display_name} kan logge inn igjen." in page


def test_end_sessions_logs_the_user_out_everywhere(app, csrf, org, admin, client, make_user, client_for):
    member = make_user(org=org)
    member_client = client_for(member)
    assert _post(client, csrf, f"/admin/users/{member.id}/sessions/end").status_code == 302
    assert member_client.get("/").status_code == 302
    assert _fetch(app, member.id).active
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f"{member.display_name} er logget ut på alle enheter." in page


def test_search_filters_and_htmx_gets_only_the_table(client, org, admin, make_user):
    make_user(org=org, name="Åse Hansen")
    make_user(org=org, name="Bjørn Berg")
    response = client.get("/admin/?q=åse", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Åse Hansen" in html
    assert "Bjørn Berg" not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/admin/?q=åse").get_data(as_text=True)
    assert "<html" in full and "Åse Hansen" in full and "Bjørn Berg" not in full


def test_search_treats_wildcards_literally(client, org, admin, make_user):
    make_user(org=org, name="Vanlig Navn")
    assert "Vanlig Navn" not in client.get("/admin/?q=%25").get_data(as_text=True)
