"""Admins download a course as a SCORM 1.2 package from the course pages; nobody else sees or gets it."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from courses.scorm import export_course

MINI = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "mini-kurs"
DOWNLOAD = "/courses/mini-kurs/scorm.zip"


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """A course library holding only the small fixture course."""
    library = tmp_path / "courses"
    library.mkdir()
    shutil.copytree(MINI, library / "mini-kurs")
    return {"COURSE_LIBRARY": str(library)}


def test_admin_downloads_the_package_linked_from_the_course_pages(client, auth):
    auth.login(as_role="admin")
    for page in ("/courses/", "/courses/mini-kurs"):
        html = client.get(page).get_data(as_text=True)
        assert f'<a href="{DOWNLOAD}" download>Last ned som SCORM 1.2' in html, page
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mini-kurs-scorm12.zip"'
    assert response.data == export_course(MINI, "http://localhost/courses/mini-kurs")
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        assert {"imsmanifest.xml", "index.html"} <= set(package.namelist())
        assert 'href="http://localhost/courses/mini-kurs"' in package.read("index.html").decode()


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_others_see_no_link_and_get_403(client, auth, role):
    auth.login(as_role=role)
    for page in ("/courses/", "/courses/mini-kurs"):
        assert "SCORM" not in client.get(page).get_data(as_text=True), page
    assert client.get(DOWNLOAD).status_code == 403


def test_an_unknown_course_is_404(client, auth):
    auth.login(as_role="admin")
    assert client.get("/courses/finnes-ikke/scorm.zip").status_code == 404


def test_the_link_is_translated(client, auth, csrf):
    auth.login(as_role="admin")
    client.post("/language", data={"locale": "en", "next": "/", "csrf_token": csrf("/")})
    assert "Download as SCORM 1.2" in client.get("/courses/mini-kurs").get_data(as_text=True)
