"""Logging in through a real OpenID Connect provider process (oidc-provider-mock): admission per
organisation, accounts made or linked, and the checks on state and nonce.

Each test drives the Laget test client and the provider's own login form, as a browser would.
"""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models import OidcIdentity
from app.models import Role
from app.models import User
from app.oidc import admission
from tests.conftest import csrf_token

TOWN_REALM = "@fjordvik.kommune.no"
_people = itertools.count(1)


@pytest.fixture
def app_config(oidc_provider):
    return {"OIDC_PROVIDERS": oidc_provider.config(name="Feide", mfa_acr="urn:test:mfa")}


@pytest.fixture
def town(app, make_org):
    """A municipality that admits Feide people of its realm."""
    town = make_org("Fjordvik kommune")
    admit(app, oidc_provider_issuer(app), town, "eduPersonPrincipalName", TOWN_REALM)
    return town


def oidc_provider_issuer(app) -> str:
    return app.config["OIDC_PROVIDERS"]["feide"]["issuer"]


def admit(app, issuer, organisation, claim, value) -> None:
    with app.app_context():
        admission.add_rule(db.session.merge(organisation), issuer, claim, value)
        db.session.commit()


def person(**claims):
    """A fresh subject with claims of a person in the town's realm, unless overridden."""
    number = next(_people)
    sub = f"feide-person-{number}"
    return sub, {
        "name": f"Ola Nordmann {number}",
        "eduPersonPrincipalName": f"ola{number}{TOWN_REALM}",
        **claims,
    }


def start(client) -> str:
    """Press "Logg inn med Feide": the provider's authorization URL Laget redirects to."""
    response = client.get("/auth/oidc/feide/login")
    assert response.status_code == 302
    return response.headers["Location"]


def back_to_laget(client, callback_url: str):
    """Follow the provider's redirect back to Laget's callback."""
    parts = urlsplit(callback_url)
    assert parts.path == "/auth/oidc/feide/callback"
    return client.get(f"{parts.path}?{parts.query}")


def log_in(client, provider, sub, claims):
    provider.set_user(sub, **claims)
    return back_to_laget(client, provider.authorize(start(client), sub))


def with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    query[name] = [value]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def logged_in_as(client) -> str | None:
    """The name on the home page, or None when Laget sends the visitor to log in."""
    response = client.get("/")
    if response.status_code == 302:
        return None
    return response.get_data(as_text=True)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_login_page_offers_each_provider(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "Logg inn med Feide" in html
    assert 'href="/auth/oidc/feide/login"' in html


def test_the_request_carries_state_nonce_and_an_s256_code_challenge(client, oidc_provider):
    url = start(client)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(oidc_provider.issuer)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256 digest
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["scope"] == ["openid profile email"]
    assert start(client) != url  # a fresh state and nonce for every login


def test_admitted_organisation_gets_a_new_participant_account(app, client, oidc_provider, town):
    sub, claims = person(email="Ola.Ny@Fjordvik.test", email_verified=True)
    response = log_in(client, oidc_provider, sub, claims)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert claims["name"] in logged_in_as(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ola.ny@fjordvik.test"))
        assert user.role is Role.PARTICIPANT
        assert user.organisation_id == town.id
        assert user.password_hash is None
        identity = OidcIdentity.find(oidc_provider.issuer, sub)
        assert identity.user_id == user.id
    assert audit_actions(app)[-2:] == ["oidc_account_created", "oidc_login_succeeded"]
    # The next login finds the same account through (issuer, sub), even with another address.
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    again = log_in(client, oidc_provider, sub, {**claims, "email": "ola.flyttet@fjordvik.test"})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.display_name == claims["name"])) == 1


def test_a_new_account_without_a_verified_address_gets_no_address_to_reset(app, client, oidc_provider, town):
    sub, claims = person(email="ukjent@fjordvik.test", email_verified=False)
    assert log_in(client, oidc_provider, sub, claims).status_code == 302
    with app.app_context():
        user = OidcIdentity.find(oidc_provider.issuer, sub).user
        assert user.email.endswith("@laget.invalid")
        assert User.by_email("ukjent@fjordvik.test") is None


def test_a_person_of_an_organisation_not_admitted_gets_the_error_page(app, client, oidc_provider, town):
    sub, claims = person(eduPersonPrincipalName="per@nabokommune.no")
    response = log_in(client, oidc_provider, sub, claims)
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Organisasjonen din har ikke tilgang til Laget" in html
    assert "Prøv igjen med Feide" in html
    assert logged_in_as(client) is None
    with app.app_context():
        assert OidcIdentity.find(oidc_provider.issuer, sub) is None
        assert db.session.scalar(select(func.count(User.id))) == 0
        refusal = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert refusal.action == "oidc_login_refused"
        assert refusal.detail["reason"] == "not_admitted"


def test_a_verified_address_links_the_existing_account(app, client, oidc_provider, town, make_user):
    kari = make_user(role="facilitator", org=town, email="kari@fjordvik.test", name="Kari Fasilitator")
    sub, claims = person(email="KARI@fjordvik.test", email_verified=True)
    response = log_in(client, oidc_provider, sub, claims)
    assert response.status_code == 302
    assert "Kari Fasilitator" in logged_in_as(client)
    with app.app_context():
        assert OidcIdentity.find(oidc_provider.issuer, sub).user_id == kari.id
        assert db.session.scalar(select(func.count(User.id))) == 1
        assert db.session.get(User, kari.id).role is Role.FACILITATOR
    assert "oidc_account_linked" in audit_actions(app)


@pytest.mark.parametrize("verified", [False, "true", None])
def test_an_unverified_address_does_not_link_the_existing_account(
    app, client, oidc_provider, town, make_user, verified
):
    kari = make_user(org=town, email="kari@fjordvik.test")
    extra = {} if verified is None else {"email_verified": verified}
    sub, claims = person(email="kari@fjordvik.test", **extra)
    response = log_in(client, oidc_provider, sub, claims)
    assert response.status_code == 403
    assert "har ikke bekreftet adressen" in response.get_data(as_text=True)
    assert logged_in_as(client) is None
    with app.app_context():
        assert OidcIdentity.find(oidc_provider.issuer, sub) is None
        assert db.session.scalar(select(func.count(User.id))) == 1
        assert db.session.get(User, kari.id).email == "kari@fjordvik.test"


def test_a_verified_address_of_another_organisation_is_refused(
    app, client, oidc_provider, town, make_user, make_org
):
    make_user(org=make_org(), email="kari@nabo.test")
    sub, claims = person(email="kari@nabo.test", email_verified=True)
    response = log_in(client, oidc_provider, sub, claims)
    assert response.status_code == 403
    assert "hører til en annen organisasjon" in response.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_a_callback_whose_state_this_browser_never_sent_is_refused(app, oidc_provider, town):
    victim, attacker = app.test_client(), app.test_client()
    sub, claims = person()
    oidc_provider.set_user(sub, **claims)
    start(victim)
    # The attacker's own login, completed at the provider, is replayed into the victim's browser.
    callback = oidc_provider.authorize(start(attacker), sub)
    response = back_to_laget(victim, callback)
    assert response.status_code == 400
    assert "Innloggingen mislyktes" in response.get_data(as_text=True)
    assert logged_in_as(victim) is None
    # A state changed in transit fails the same way, and the state is spent once used.
    mine = app.test_client()
    callback = oidc_provider.authorize(start(mine), sub)
    assert back_to_laget(mine, with_param(callback, "state", "forfalsket")).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
    assert "oidc_login_failed" in audit_actions(app)


def test_an_id_token_with_another_nonce_is_refused(app, client, oidc_provider, town):
    sub, claims = person()
    oidc_provider.set_user(sub, **claims)
    # The provider puts the request's nonce in the ID token; a forged one must not match ours.
    forged = with_param(start(client), "nonce", "nonce-fra-en-annen-innlogging")
    response = back_to_laget(client, oidc_provider.authorize(forged, sub))
    assert response.status_code == 400
    assert logged_in_as(client) is None
    with app.app_context():
        failure = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert failure.action == "oidc_login_failed"
        assert failure.detail["reason"] == "id_token:invalid_claim:nonce", failure.detail
        assert OidcIdentity.find(oidc_provider.issuer, sub) is None


def test_cancelling_at_the_provider_shows_a_clear_page(client, oidc_provider, town):
    sub, claims = person()
    oidc_provider.set_user(sub, **claims)
    response = back_to_laget(client, oidc_provider.authorize(start(client), sub, deny=True))
    assert response.status_code == 400
    assert "Innloggingen ble avbrutt" in response.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_logout_ends_the_session_here_and_at_the_provider(client, oidc_provider, town):
    sub, claims = person()
    assert log_in(client, oidc_provider, sub, claims).status_code == 302
    home = client.get("/")
    assert oidc_provider.issuer in home.headers["Content-Security-Policy"]
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert response.status_code == 302
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == f"{oidc_provider.issuer}/oauth2/end_session"
    )
    assert query["post_logout_redirect_uri"] == ["http://localhost/auth/login"]
    assert query["id_token_hint"][0].count(".") == 2
    assert logged_in_as(client) is None


def test_staff_with_an_authenticator_give_its_code_after_a_single_factor_login(
    app, client, oidc_provider, town, make_user
):
    from app.auth import mfa

    admin = make_user(role="admin", org=town, email="anne@fjordvik.test")
    with app.app_context():
        codes = mfa.enrol(db.session.get(User, admin.id), secret := mfa.new_secret(), _code(secret))
        db.session.commit()
    sub, claims = person(email="anne@fjordvik.test", email_verified=True)
    response = log_in(client, oidc_provider, sub, claims)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/auth/mfa/")
    assert logged_in_as(client) is None
    second = client.post(
        "/auth/mfa/", data={"code": codes[0], "csrf_token": csrf_token(client, "/auth/mfa/")}
    )
    assert second.status_code == 302
    assert logged_in_as(client) is not None
    # Logging out still ends the provider's session: the second step kept what that needs.
    logout = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert logout.headers["Location"].startswith(f"{oidc_provider.issuer}/oauth2/end_session?")
    # The provider's multi-factor login (an acr in mfa_acr) counts as the second factor.
    other = app.test_client()
    strong = log_in(other, oidc_provider, sub, {**claims, "acr": "urn:test:mfa"})
    assert strong.status_code == 302 and strong.headers["Location"] == "/"
    assert logged_in_as(other) is not None


@pytest.mark.parametrize(("acr", "sent_to_setup"), [(None, True), ("urn:test:mfa", False)])
def test_a_multi_factor_provider_login_meets_the_organisations_mfa_rule(
    app, client, oidc_provider, town, make_user, acr, sent_to_setup
):
    from app.models import Organisation

    with app.app_context():
        db.session.get(Organisation, town.id).mfa_required = True
        db.session.commit()
    make_user(role="facilitator", org=town, email="frida@fjordvik.test")
    sub, claims = person(email="frida@fjordvik.test", email_verified=True, **({"acr": acr} if acr else {}))
    assert log_in(client, oidc_provider, sub, claims).status_code == 302
    home = client.get("/")
    assert (home.status_code == 302 and home.headers["Location"] == "/auth/mfa/setup") is sent_to_setup


def test_a_deactivated_account_stays_out(app, client, oidc_provider, town, make_user):
    sub, claims = person()
    assert log_in(client, oidc_provider, sub, claims).status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        OidcIdentity.find(oidc_provider.issuer, sub).user.active = False
        db.session.commit()
    response = log_in(client, oidc_provider, sub, claims)
    assert response.status_code == 403
    assert "Kontoen er deaktivert" in response.get_data(as_text=True)


def test_a_removed_rule_stops_the_next_login(app, client, oidc_provider, town):
    sub, claims = person()
    assert log_in(client, oidc_provider, sub, claims).status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        for rule in admission.OidcAdmission.of_organisation(db.session.merge(town)):
            admission.remove_rule(rule)
        db.session.commit()
    assert log_in(client, oidc_provider, sub, claims).status_code == 403


def test_the_refusal_page_speaks_the_persons_language(client, oidc_provider, town):
    client.post("/language", data={"locale": "en", "next": "/", "csrf_token": csrf_token(client)})
    sub, claims = person(eduPersonPrincipalName="per@nabokommune.no")
    html = log_in(client, oidc_provider, sub, claims).get_data(as_text=True)
    assert "Your organisation does not have access to Laget" in html
    assert "You are logged in at Feide" in html


def test_an_unreachable_provider_gets_a_page_not_a_crash(app, make_org, tmp_path):
    from app import create_app
    from tests.conftest import _test_config
    from tests.oidc.provider import free_port

    issuer = f"http://127.0.0.1:{free_port()}"
    config = _test_config(
        tmp_path / "unused.db",
        SQLALCHEMY_DATABASE_URI=app.config[
            "SQLALCHEMY_DATABASE_URI"
        ],  # the same database, SQLite or PostgreSQL
        OIDC_PROVIDERS={"feide": {"issuer": issuer, "client_id": "x", "client_secret": "y"}},
    )
    down = create_app(config).test_client()
    response = down.get("/auth/oidc/feide/login")
    assert response.status_code == 502
    assert "Vi får ikke kontakt med Feide" in response.get_data(as_text=True)
    assert down.get("/auth/oidc/feide/callback?code=a&state=b").status_code == 400
    assert down.get("/auth/oidc/nobody/login").status_code == 404


def test_a_discovery_document_naming_another_issuer_is_not_trusted(app, oidc_provider, tmp_path):
    from app import create_app
    from tests.conftest import _test_config

    # The same discovery document, which names the issuer without the trailing slash configured here.
    issuer = oidc_provider.issuer + "/"
    config = _test_config(
        tmp_path / "unused.db",
        SQLALCHEMY_DATABASE_URI=app.config[
            "SQLALCHEMY_DATABASE_URI"
        ],  # the same database, SQLite or PostgreSQL
        OIDC_PROVIDERS={"feide": {"issuer": issuer, "client_id": "x", "client_secret": "y"}},
    )
    response = create_app(config).test_client().get("/auth/oidc/feide/login")
    assert response.status_code == 502
    assert "Innloggingstjenesten svarer ikke" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"client_id": "a", "client_secret": "b"}, "lacks issuer"),
        ({"issuer": "https://idp.test", "client_secret": "b"}, "lacks client_id"),
        ({"issuer": "http://idp.test", "client_id": "a", "client_secret": "b"}, "https"),
    ],
)
def test_an_incomplete_or_plain_http_provider_stops_the_start(entry, problem):
    from app.oidc.providers import parse_providers

    with pytest.raises(RuntimeError, match=problem):
        parse_providers({"feide": entry})


def test_provider_settings_from_the_environment_are_read_as_text():
    from app.oidc.providers import parse_providers

    found = parse_providers(
        {
            "idporten": {
                "issuer": "https://idporten.no",
                "client_id": 12345,
                "client_secret": "s",
                "mfa_acr": "a, b",
            }
        }
    )["idporten"]
    assert (found.name, found.client_id, found.mfa_acr) == ("ID-porten", "12345", frozenset({"a", "b"}))


def _code(secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


# --- The admin's rules ----------------------------------------------------------------------------


def test_an_admin_adds_and_removes_a_rule_for_their_own_organisation(app, client, auth, oidc_provider):
    admin = auth.login(as_role="admin")
    token = csrf_token(client, "/admin/sign-in/")
    form = {"provider": "feide", "claim": "eduPersonPrincipalName", "value": TOWN_REALM, "csrf_token": token}
    assert client.post("/admin/sign-in/", data=form).status_code == 303
    page = client.get("/admin/sign-in/").get_data(as_text=True)
    assert TOWN_REALM in page
    with app.app_context():
        rule = db.session.scalar(select(admission.OidcAdmission))
        assert (rule.organisation_id, rule.issuer) == (admin.organisation_id, oidc_provider.issuer)
    # The same rule cannot be added twice, by anyone.
    again = client.post("/admin/sign-in/", data=form)
    assert again.status_code == 400
    assert "Denne regelen finnes allerede" in again.get_data(as_text=True)
    removed = client.post(f"/admin/sign-in/{rule.id}/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(admission.OidcAdmission.id))) == 0


def test_rules_are_for_admins_of_their_own_organisation(app, client, auth, make_org, oidc_provider):
    town = make_org()
    admit(app, oidc_provider.issuer, town, "org", "fjordvik")
    with app.app_context():
        rule_id = db.session.scalar(select(admission.OidcAdmission.id))
    auth.login(as_role="admin")  # an admin of another organisation
    token = csrf_token(client, "/admin/sign-in/")
    assert "fjordvik" not in client.get("/admin/sign-in/").get_data(as_text=True)
    assert client.post(f"/admin/sign-in/{rule_id}/remove", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/sign-in/{rule_id}/remove", data={}).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(admission.OidcAdmission, rule_id) is not None


def test_a_blank_rule_is_refused_with_a_message(client, auth, oidc_provider):
    auth.login(as_role="admin")
    token = csrf_token(client, "/admin/sign-in/")
    response = client.post(
        "/admin/sign-in/", data={"provider": "feide", "claim": "", "value": "", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Skriv inn navnet på opplysningen" in response.get_data(as_text=True)


def test_claims_match_exact_values_lists_and_address_realms():
    assert admission.claim_matches("fjordvik", "fjordvik")
    assert not admission.claim_matches("fjordvik2", "fjordvik")
    assert admission.claim_matches(["a", "fjordvik"], "fjordvik")
    assert admission.claim_matches("Ola@Fjordvik.Kommune.no", "@fjordvik.kommune.no")
    assert not admission.claim_matches("ola@fjordvik.kommune.no.evil.test", "@fjordvik.kommune.no")
    assert not admission.claim_matches("ola@evil.test@x", "@evil.test")
    assert not admission.claim_matches(True, "True")
