"""Logging in through a real OpenID Connect provider in Chromium: the provider's own login form, an
account made on the way back, and logging out both in Laget and at the provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.e2e.conftest import serve
from tests.e2e.test_accessibility import audit

REALM = "@fjordvik.kommune.no"
ADMIN_EMAIL = "anne@fjordvik.test"
ADMIN_PASSWORD = "riktig hest batteri stift"


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory: pytest.TempPathFactory, oidc_provider: Any) -> Iterator[tuple[str, Any]]:
    """Laget on a free port, with the provider as "Feide" and a municipality admitting its realm."""
    from flask_migrate import upgrade

    from app import create_app
    from app.admin import services as admin_services
    from app.extensions import db
    from app.models import Role
    from app.oidc import admission

    folder = tmp_path_factory.mktemp("oidc-live")
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'laget.db'}",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "LOG_LEVEL": "WARNING",
            "OIDC_PROVIDERS": oidc_provider.config(name="Feide"),
        }
    )
    with app.app_context():
        upgrade()
        town = admin_services.create_organisation("Fjordvik kommune")
        admission.add_rule(town, oidc_provider.issuer, "eduPersonPrincipalName", REALM)
        admin_services.create_user(town, ADMIN_EMAIL, "Anne Admin", Role.ADMIN, ADMIN_PASSWORD)
        db.session.commit()
    with serve(app) as url:
        yield url, app


def test_login_through_the_provider_creates_an_account_and_logout_ends_both(
    oidc_server, oidc_provider, browser
) -> None:
    from app.extensions import db
    from app.models import OidcIdentity
    from app.models import Role
    from app.models import User

    url, app = oidc_server
    oidc_provider.set_user(
        "ingrid-feide",
        name="Ingrid Helsesykepleier",
        email="ingrid@fjordvik.test",
        email_verified=True,
        eduPersonPrincipalName=f"ingrid{REALM}",
    )
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{url}/auth/login")
    page.get_by_role("link", name="Logg inn med Feide").click()

    # The provider's own page: type the subject and authorise, as a person logs in there.
    page.wait_for_url(f"{oidc_provider.issuer}/**")
    page.locator("input[name=sub]").fill("ingrid-feide")
    page.get_by_role("button", name="Authorize").click()

    page.wait_for_url(f"{url}/")
    assert "Ingrid Helsesykepleier" in page.content()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ingrid@fjordvik.test"))
        assert user.role is Role.PARTICIPANT
        assert OidcIdentity.find(oidc_provider.issuer, "ingrid-feide").user_id == user.id

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(f"{oidc_provider.issuer}/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/auth/login**")
    assert "Du er logget ut." in page.content()
    page.goto(f"{url}/")
    assert page.url.startswith(f"{url}/auth/login")


def test_a_person_of_another_organisation_reads_why_in_bokmal(oidc_server, oidc_provider, browser) -> None:
    url, _app = oidc_server
    oidc_provider.set_user("per-nabo", name="Per Nabo", eduPersonPrincipalName="per@nabokommune.no")
    page = browser.new_context(locale="nb-NO", bypass_csp=True).new_page()
    page.goto(f"{url}/auth/login")
    assert audit(page) == []
    page.get_by_role("link", name="Logg inn med Feide").click()
    page.wait_for_url(f"{oidc_provider.issuer}/**")
    page.locator("input[name=sub]").fill("per-nabo")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/auth/oidc/feide/callback**")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Organisasjonen din har ikke tilgang til Laget"
    )
    assert audit(page) == []


def test_an_admin_adds_a_rule_on_an_accessible_page(oidc_server, browser) -> None:
    url, _app = oidc_server
    page = browser.new_context(
        locale="nb-NO", bypass_csp=True, viewport={"width": 390, "height": 844}
    ).new_page()
    page.goto(f"{url}/auth/login")
    page.get_by_label("E-postadresse").fill(ADMIN_EMAIL)
    page.get_by_label("Passord").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.goto(f"{url}/admin/")
    page.get_by_role("link", name="Innlogging med Feide og ID-porten").click()
    assert audit(page) == []
    page.get_by_label("Opplysning (claim)").fill("org")
    page.get_by_label("Verdi").fill("fjordvik")
    page.get_by_role("button", name="Legg til regelen").click()
    assert page.get_by_text("Regelen er lagt til.").is_visible()
    assert page.get_by_role("cell", name="fjordvik", exact=True).is_visible()
    assert audit(page) == []
