"""The catalogue of courses, one course's page, the images a course shows, and its SCORM package."""

from __future__ import annotations

from pathlib import Path

from flask import Response
from flask import abort
from flask import render_template
from flask import url_for

from app.auth.decorators import role_required
from app.learning import overview as overview_service
from app.learning import services
from app.learning.blueprint import bp
from app.learning.library import image_path
from app.learning.library import load_courses
from app.learning.loading import current_learner
from app.learning.loading import get_course
from app.models import Role
from courses.scorm import build_package

IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@bp.get("/")
@role_required(Role.PARTICIPANT)
def catalogue() -> str:
    """List the courses with the learner's status in each and a link to resume."""
    user = current_learner()
    today = services.oslo_today()
    courses = [(loaded, services.course_status(user, loaded, today)) for loaded in load_courses().values()]
    leader = overview_service.may_see_overview(user)
    return render_template("learning/catalogue.html", courses=courses, leader=leader)


@bp.get("/<course_id>")
@role_required(Role.PARTICIPANT)
def course(course_id: str) -> str:
    """Show a course: introduction, goals, lessons with progress, the quiz and the certificate."""
    loaded = get_course(course_id)
    user = current_learner()
    return render_template(
        "learning/course.html",
        loaded=loaded,
        status=services.course_status(user, loaded, services.oslo_today()),
        may_take_quiz=services.may_take_quiz(user, loaded),
        last_attempt=services.last_sent_attempt(user, loaded.id),
    )


@bp.get("/<course_id>/bilder/<name>")
@role_required(Role.PARTICIPANT)
def image(course_id: str, name: str) -> Response:
    """Serve an image from a course's `bilder` folder, with a policy that keeps scripts in SVG files inert."""
    path = image_path(course_id, name)
    if path is None or path.suffix.lower() not in IMAGE_TYPES:
        abort(404)
    response = Response(path.read_bytes(), mimetype=IMAGE_TYPES[path.suffix.lower()])
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/<course_id>/scorm.zip")
@role_required(Role.ADMIN)
def scorm_package(course_id: str) -> Response:
    """Download a course as a SCORM 1.2 package for the municipality's learning platform (admins only)."""
    loaded = get_course(course_id)
    course_url = url_for("learning.course", course_id=loaded.id, _external=True)
    package = build_package(loaded.course, Path(loaded.course.path).parent, course_url)
    response = Response(package, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{loaded.id}-scorm12.zip"'
    return response
