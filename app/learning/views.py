"""Routes of the learning blueprint: catalogue, courses, lessons, final quiz, certificates and overview.

Every page needs a login. A learner's progress, reflections, attempts and certificates are loaded
through the logged-in user only, so another person's attempt or certificate is a 404; reflections
are shown to their author and to nobody else. The overview is for admins (their organisation) and
unit leaders (their units); everyone else gets 403.
"""

from __future__ import annotations

import functools

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin.forms import RoleForm
from app.auth.decorators import role_required
from app.extensions import db
from app.htmx import is_htmx
from app.learning import leaders
from app.learning import overview as overview_service
from app.learning import screens
from app.learning import services
from app.learning.forms import CsrfForm
from app.learning.forms import QuizForm
from app.learning.forms import ReflectionForm
from app.learning.library import LoadedCourse
from app.learning.library import image_path
from app.learning.library import load_courses
from app.models import Role
from app.models import User
from app.models import utcnow
from app.models.learning import QuizAttempt
from courses.model import Lesson
from courses.model import Question
from courses.model import Reflection

bp = Blueprint("learning", __name__, url_prefix="/courses")

IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@bp.context_processor
def _helpers() -> dict:
    """Give the course templates their wording helpers."""
    return {
        "status_text": screens.status_text,
        # Memoised per render: the overview shows thousands of cells but only a few hundred distinct dates.
        "cell_text": functools.lru_cache(maxsize=None)(screens.cell_text),
        "long_date": screens.long_date,
        "block_kind": screens.block_kind,
        "lesson_markdown": screens.lesson_markdown,
    }


def _user() -> User:
    """The logged-in user as a model object."""
    return current_user._get_current_object()


def _course(course_id: str) -> LoadedCourse:
    """A course of the library that checks clean, or 404."""
    loaded = load_courses().get(course_id)
    if loaded is None:
        abort(404)
    return loaded


def _lesson(loaded: LoadedCourse, lesson_id: str) -> Lesson:
    """A lesson of the course, or 404."""
    lesson = loaded.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def _block(lesson: Lesson, block_id: str, kind: type) -> object:
    """A question or reflection of the lesson by id, or 404."""
    block = next((b for b in lesson.blocks if isinstance(b, kind) and b.id == block_id), None)
    if block is None:
        abort(404)
    return block


@bp.get("/")
@role_required(Role.PARTICIPANT)
def catalogue() -> str:
    """List the courses with the learner's status in each and a link to resume."""
    today = services.oslo_today()
    courses = [(loaded, services.course_status(_user(), loaded, today)) for loaded in load_courses().values()]
    leader = overview_service.may_see_overview(_user())
    return render_template("learning/catalogue.html", courses=courses, leader=leader)


def _overview() -> overview_service.Overview:
    """The overview for the logged-in leader, filtered by the chosen unit; 403 for those who lead nothing."""
    if not overview_service.may_see_overview(_user()):
        abort(403)
    return overview_service.build_overview(
        _user(), load_courses().values(), services.oslo_today(), utcnow(), request.args.get("unit")
    )


@bp.get("/overview")
@role_required(Role.PARTICIPANT)
def overview() -> str:
    """Show leaders who holds a valid, expiring, expired or missing completion, and their recent drills."""
    return render_template("learning/overview.html", overview=_overview())


@bp.get("/overview.csv")
@role_required(Role.PARTICIPANT)
def overview_csv() -> Response:
    """Download the overview as a CSV file that Excel opens with Norwegian letters intact."""
    body = overview_service.overview_csv(_overview(), screens.state_words())
    response = Response(body.encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="kursoversikt.csv"'
    return response


@bp.post("/leaders/<int:user_id>")
@role_required(Role.ADMIN)
def set_led_units(user_id: int) -> Response | tuple[str, int]:
    """Save the units a person leads (from the admin's page about them), so they see those units here."""
    user = db.first_or_404(
        select(User).where(User.id == user_id, User.organisation_id == current_user.organisation_id)
    )
    form = leaders.unit_leader_form(user, formdata=True)
    if not form.validate_on_submit():
        role_form = RoleForm(role=user.role.value)
        return render_template("admin/show.html", user=user, role_form=role_form, unit_form=form), 400
    chosen = set(form.units.data or [])
    leaders.set_led_units(user, [unit for unit in user.organisation.units if str(unit.id) in chosen])
    db.session.commit()
    current_app.logger.info(
        "unit leader changed",
        extra={"event": "unit_leader_changed", "actor_id": current_user.id, "target": repr(user)},
    )
    flash(_("Enhetene %(name)s leder er lagret.", name=user.display_name), "success")
    return redirect(url_for("admin.show", user_id=user.id), 303)


@bp.get("/<course_id>")
@role_required(Role.PARTICIPANT)
def course(course_id: str) -> str:
    """Show a course: introduction, goals, lessons with progress, the quiz and the certificate."""
    loaded = _course(course_id)
    status = services.course_status(_user(), loaded, services.oslo_today())
    return render_template(
        "learning/course.html",
        loaded=loaded,
        status=status,
        may_take_quiz=services.may_take_quiz(_user(), loaded),
        last_attempt=services.last_sent_attempt(_user(), loaded.id),
    )


def _lesson_page(
    loaded: LoadedCourse,
    lesson: Lesson,
    answered: dict[str, screens.AnswerView] | None = None,
    forms: dict[str, ReflectionForm] | None = None,
    question_errors: dict[str, str] | None = None,
) -> str:
    """Render a lesson with its questions, the learner's own reflections and the practice blocks."""
    user = _user()
    notes = services.reflections(user, loaded.id)
    reflection_forms = {
        block.id: ReflectionForm(prefix=block.id, formdata=None, text=notes.get(block.id, ""))
        for block in lesson.blocks
        if isinstance(block, Reflection)
    }
    reflection_forms.update(forms or {})
    practices = {
        block.id: services.finished_practice(user, services.practice_origin(loaded.id, block.id))
        for block in lesson.blocks
        if screens.block_kind(block) == "practice"
    }
    position = [item.id for item in loaded.lessons].index(lesson.id)
    return render_template(
        "learning/lesson.html",
        loaded=loaded,
        lesson=lesson,
        position=position + 1,
        previous=loaded.lessons[position - 1] if position > 0 else None,
        following=loaded.next_lesson(lesson.id),
        done=lesson.id in services.done_lessons(user, loaded),
        answered=answered or {},
        question_errors=question_errors or {},
        reflection_forms=reflection_forms,
        saved=notes,
        practices=practices,
        solo_url=screens.solo_start_url(),
        form=CsrfForm(),
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


@bp.get("/<course_id>/<lesson_id>")
@role_required(Role.PARTICIPANT)
def lesson(course_id: str, lesson_id: str) -> str:
    """Show a lesson and remember it as the place to resume."""
    loaded = _course(course_id)
    current = _lesson(loaded, lesson_id)
    services.visit_lesson(_user(), loaded, current.id)
    db.session.commit()
    return _lesson_page(loaded, current)


@bp.post("/<course_id>/<lesson_id>/done")
@role_required(Role.PARTICIPANT)
def mark_done(course_id: str, lesson_id: str) -> Response:
    """Mark the lesson as done and go on: to the next lesson, after the last to the quiz once it is open."""
    loaded = _course(course_id)
    current = _lesson(loaded, lesson_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    services.complete_lesson(_user(), loaded, current.id)
    db.session.commit()
    following = loaded.next_lesson(current.id)
    if following is not None:
        return redirect(url_for("learning.lesson", course_id=loaded.id, lesson_id=following.id), 303)
    if services.may_take_quiz(_user(), loaded):
        return redirect(url_for("learning.quiz", course_id=loaded.id), 303)
    flash(_("Noen leksjoner er ikke markert som fullført ennå. Prøven åpner når alle er fullført."), "error")
    return redirect(url_for("learning.course", course_id=loaded.id), 303)


@bp.post("/<course_id>/<lesson_id>/questions/<question_id>")
@role_required(Role.PARTICIPANT)
def answer(course_id: str, lesson_id: str, question_id: str) -> Response:
    """Give feedback on each chosen option and the explanation: the block for htmx, else the page."""
    loaded = _course(course_id)
    current = _lesson(loaded, lesson_id)
    question = _block(current, question_id, Question)
    if not CsrfForm().validate_on_submit():
        abort(400)
    view = screens.answer_view(question, request.form.getlist("option"))
    if not view.chosen:
        response = _answer_response(loaded, current, question, None, _("Velg et svar før du sjekker."))
        # htmx swaps only 2xx answers, so the fragment carries the error; a plain form post gets 422.
        response.status_code = 200 if is_htmx() else 422
        return response
    return _answer_response(loaded, current, question, view, None)


def _answer_response(
    loaded: LoadedCourse,
    current: Lesson,
    question: Question,
    view: screens.AnswerView | None,
    error: str | None,
) -> Response:
    """The answered question block for htmx swaps, or the whole lesson with it for plain form posts."""
    if is_htmx():
        context = {"loaded": loaded, "lesson": current, "question": question, "answer": view, "error": error}
        body = render_template("learning/_question.html", **context)
    else:
        answered = {question.id: view} if view else {}
        errors = {question.id: error} if error else {}
        body = _lesson_page(loaded, current, answered=answered, question_errors=errors)
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.post("/<course_id>/<lesson_id>/reflections/<reflection_id>")
@role_required(Role.PARTICIPANT)
def reflect(course_id: str, lesson_id: str, reflection_id: str) -> Response | tuple[str, int]:
    """Save the learner's private reflection and return to it."""
    loaded = _course(course_id)
    current = _lesson(loaded, lesson_id)
    block = _block(current, reflection_id, Reflection)
    form = ReflectionForm(prefix=block.id)
    if not form.validate_on_submit():
        return _lesson_page(loaded, current, forms={block.id: form}), 422
    services.save_reflection(_user(), loaded.id, block.id, form.text.data)
    db.session.commit()
    flash(_("Refleksjonen er lagret. Bare du kan se den."), "success")
    url = url_for(
        "learning.lesson", course_id=loaded.id, lesson_id=current.id, _anchor=f"reflection-{block.id}"
    )
    return redirect(url, 303)


@bp.route("/<course_id>/quiz", methods=["GET", "POST"])
@role_required(Role.PARTICIPANT)
def quiz(course_id: str) -> Response | str | tuple[str, int]:
    """Show the final quiz in this attempt's order, and score it when sent."""
    loaded = _course(course_id)
    user = _user()
    if loaded.course.final_quiz is None:
        abort(404)
    if not services.may_take_quiz(user, loaded):
        flash(_("Fullfør alle leksjonene før du tar den avsluttende prøven."), "error")
        return redirect(url_for("learning.course", course_id=loaded.id), 303)
    if request.method == "GET":
        attempt = services.open_attempt(user, loaded)
        db.session.commit()
        return _quiz_page(loaded, attempt, QuizForm(attempt=attempt.public_id), {}, [])
    return _send_quiz(loaded)


def _send_quiz(loaded: LoadedCourse) -> Response | tuple[str, int]:
    """Score the answers and go to the result, or show the quiz again with unanswered questions marked."""
    form = QuizForm()
    if not form.validate_on_submit():
        abort(400)
    attempt = _attempt(loaded, form.attempt.data)
    if not attempt.is_submitted:
        questions = services.quiz_questions(loaded, attempt)
        answers = {q.id: request.form.getlist(f"q-{q.id}") for q in questions}
        missing = services.unanswered(questions, answers)
        if missing:
            return _quiz_page(loaded, attempt, form, answers, missing), 422
        result, _completion = services.submit_attempt(attempt, loaded, answers, services.oslo_today())
        db.session.commit()
        current_app.logger.info(
            "quiz submitted",
            extra={
                "event": "quiz_submitted",
                "course": loaded.id,
                "passed": result.passed,
                "user_id": _user().id,
            },
        )
    return redirect(url_for("learning.result", course_id=loaded.id, attempt_id=attempt.public_id), 303)


def _attempt(loaded: LoadedCourse, public_id: str) -> QuizAttempt:
    """One of the learner's own attempts at this course, or 404."""
    return db.first_or_404(
        select(QuizAttempt).where(
            QuizAttempt.public_id == public_id,
            QuizAttempt.user_id == current_user.id,
            QuizAttempt.course_id == loaded.id,
        )
    )


def _quiz_page(
    loaded: LoadedCourse, attempt: QuizAttempt, form: QuizForm, answers: dict, missing: list[str]
) -> str:
    """Render the quiz form, keeping what was chosen and marking unanswered questions."""
    return render_template(
        "learning/quiz.html",
        loaded=loaded,
        questions=services.quiz_questions(loaded, attempt),
        form=form,
        answers=answers,
        missing=missing,
    )


@bp.get("/<course_id>/quiz/<attempt_id>")
@role_required(Role.PARTICIPANT)
def result(course_id: str, attempt_id: str) -> str:
    """Show a sent attempt: the percentage, passed or not, and each question with its explanation."""
    loaded = _course(course_id)
    attempt = _attempt(loaded, attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for("learning.quiz", course_id=loaded.id), 303)
    questions = services.quiz_questions(loaded, attempt)
    scored = services.attempt_result(attempt, loaded)
    completion = services.latest_completion(_user(), loaded.id) if attempt.passed else None
    return render_template(
        "learning/result.html",
        loaded=loaded,
        attempt=attempt,
        result=scored,
        rows=screens.result_rows(questions, attempt.answers or {}, scored),
        completion=completion,
    )


@bp.get("/<course_id>/certificate")
@role_required(Role.PARTICIPANT)
def certificate(course_id: str) -> Response:
    """Download the learner's own certificate of a valid completion as a tagged PDF."""
    # Imported here: WeasyPrint loads pango at import, which only this view needs.
    from weasyprint import HTML

    loaded = _course(course_id)
    completion = services.completion_for_certificate(_user(), loaded.id, services.oslo_today())
    if completion is None:
        abort(404)
    html = render_template("learning/certificate.html", loaded=loaded, completion=completion, user=_user())
    pdf = HTML(string=html, base_url=request.host_url).write_pdf(pdf_variant="pdf/ua-1")
    response = Response(pdf, mimetype="application/pdf")
    filename = f"kursbevis-{loaded.id}-{completion.completed_on.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
