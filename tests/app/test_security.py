"""Security headers, cookies and CSRF, with CSRF protection switched on as in production."""

from __future__ import annotations

import pytest

from app import CONTENT_SECURITY_POLICY

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)


def test_csrf_is_enabled(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == EXPECTED_CSP == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    headers = client.get("/healthz", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_cookie_is_httponly_and_lax(client):
    client.get("/auth/login")
    cookie = client.get_cookie("laget_session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_secure_cookies_get_the_host_prefix(client):
    client.get("/auth/login", base_url="https://localhost")
    cookie = client.get_cookie("__Host-laget_session", domain="localhost")
    assert cookie is not None
    assert cookie.secure


def test_login_without_csrf_token_is_refused(client, make_user, password):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 400
    assert "Skjemaet er utløpt" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_csrf_token_from_another_session_is_refused(app, client, make_user, password, csrf):
    user = make_user()
    foreign_token = csrf()
    fresh_client = app.test_client()
    response = fresh_client.post(
        "/auth/login", data={"email": user.email, "password": password, "csrf_token": foreign_token}
    )
    assert response.status_code == 400


def test_htmx_requests_may_send_the_token_as_a_header(client, auth, csrf):
    auth.login()
    response = client.post("/auth/logout", headers={"X-CSRFToken": csrf("/"), "HX-Request": "true"})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_every_page_carries_the_token_for_htmx(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<body hx-headers=\'{"X-CSRFToken": ' in html


def test_every_form_posts_with_a_csrf_token(client, auth):
    auth.login(as_role="admin")
    for path in ["/", "/admin/", "/admin/invitations/new"]:
        html = client.get(path).get_data(as_text=True)
        assert html.count('method="post"') == html.count('name="csrf_token"'), path


def test_large_bodies_are_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/login", data={"email": "x" * 4096})
    assert response.status_code == 413
    assert "Innholdet er for stort" in response.get_data(as_text=True)


def test_durations_may_be_configured_in_seconds_from_the_environment(monkeypatch, tmp_path):
    from datetime import timedelta

    from app import create_app

    monkeypatch.setenv("LAGET_SESSION_ABSOLUTE_LIFETIME", "3600")
    monkeypatch.setenv("LAGET_SECRET_KEY", '"from-the-environment"')
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    assert app.config["SESSION_ABSOLUTE_LIFETIME"] == timedelta(hours=1)
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/admin/?q=a", "/admin/?q=a"),
        ("/", "/"),
        (None, "/fallback"),
        ("", "/fallback"),
        ("https://evil.example/", "/fallback"),
        ("//evil.example/", "/fallback"),
        ("/\\evil.example", "/fallback"),
        ("javascript:alert(1)", "/fallback"),
        ("admin", "/fallback"),
    ],
)
def test_safe_next_url(target, expected):
    from app.redirects import safe_next_url

    assert safe_next_url(target, "/fallback") == expected
