"""The final quiz: an attempt in its own order, its scored result, and the certificate of a completion."""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.extensions import db
from app.i18n import gettext as _
from app.learning import screens
from app.learning import services
from app.learning.blueprint import bp
from app.learning.forms import QuizForm
from app.learning.library import LoadedCourse
from app.learning.loading import current_learner
from app.learning.loading import get_attempt
from app.learning.loading import get_course
from app.models import Role
from app.models.learning import QuizAttempt


@bp.route("/<course_id>/quiz", methods=["GET", "POST"])
@role_required(Role.PARTICIPANT)
def quiz(course_id: str) -> Response | str | tuple[str, int]:
    """Show the final quiz in this attempt's order, and score it when sent."""
    loaded = get_course(course_id)
    user = current_learner()
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
    attempt = get_attempt(loaded, form.attempt.data)
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
                "user_id": current_learner().id,
            },
        )
    return redirect(url_for("learning.result", course_id=loaded.id, attempt_id=attempt.public_id), 303)


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
    loaded = get_course(course_id)
    attempt = get_attempt(loaded, attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for("learning.quiz", course_id=loaded.id), 303)
    questions = services.quiz_questions(loaded, attempt)
    scored = services.attempt_result(attempt, loaded)
    user = current_learner()
    completion = services.latest_completion(user, loaded.id) if attempt.passed else None
    # After a failed retake, an earlier certificate that is still valid still counts: say so.
    still_valid = (
        None
        if attempt.passed
        else services.completion_for_certificate(user, loaded.id, services.oslo_today())
    )
    return render_template(
        "learning/result.html",
        loaded=loaded,
        attempt=attempt,
        result=scored,
        rows=screens.result_rows(questions, attempt.answers or {}, scored),
        completion=completion,
        still_valid=still_valid,
    )


@bp.get("/<course_id>/certificate")
@role_required(Role.PARTICIPANT)
def certificate(course_id: str) -> Response:
    """Download the learner's own certificate of a valid completion as a tagged PDF."""
    # Imported here: WeasyPrint loads pango at import, which only this view needs.
    from weasyprint import HTML

    loaded = get_course(course_id)
    user = current_learner()
    completion = services.completion_for_certificate(user, loaded.id, services.oslo_today())
    if completion is None:
        abort(404)
    html = render_template("learning/certificate.html", loaded=loaded, completion=completion, user=user)
    pdf = HTML(string=html, base_url=request.host_url).write_pdf(pdf_variant="pdf/ua-1")
    record_audit("certificate_downloaded", user, detail={"course": loaded.id})
    db.session.commit()
    response = Response(pdf, mimetype="application/pdf")
    filename = f"kursbevis-{loaded.id}-{completion.completed_on.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
