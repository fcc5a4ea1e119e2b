"""A lesson: its blocks, marking it done, feedback on its questions and the learner's private reflections."""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from app.audit.record import record_audit
from app.auth.decorators import role_required
from app.extensions import db
from app.htmx import is_htmx
from app.i18n import gettext as _
from app.learning import screens
from app.learning import services
from app.learning.blueprint import bp
from app.learning.forms import CsrfForm
from app.learning.forms import ReflectionForm
from app.learning.library import LoadedCourse
from app.learning.loading import current_learner
from app.learning.loading import get_block
from app.learning.loading import get_course
from app.learning.loading import get_lesson
from app.models import Role
from courses.model import Lesson
from courses.model import Question
from courses.model import Reflection


def _lesson_page(
    loaded: LoadedCourse,
    lesson: Lesson,
    answered: dict[str, screens.AnswerView] | None = None,
    forms: dict[str, ReflectionForm] | None = None,
    question_errors: dict[str, str] | None = None,
) -> str:
    """Render a lesson with its questions, the learner's own reflections and the practice blocks."""
    user = current_learner()
    notes = services.reflections(user, loaded.id)
    reflection_forms = {
        block.id: ReflectionForm(prefix=block.id, formdata=None, text=notes.get(block.id, ""))
        for block in lesson.blocks
        if isinstance(block, Reflection)
    }
    reflection_forms.update(forms or {})
    # The learner's stored answers come back with their feedback; "again" opens one question's form anew.
    again = request.args.get("again")
    saved_answers = services.question_answers(user, loaded.id)
    answers = {
        block.id: screens.answer_view(block, saved_answers[block.id])
        for block in lesson.blocks
        if isinstance(block, Question) and block.id in saved_answers and block.id != again
    }
    answers.update(answered or {})
    for question_id in question_errors or {}:
        answers.pop(question_id, None)
    position = [item.id for item in loaded.lessons].index(lesson.id)
    blocks = [
        services.for_learner(user, loaded.id, block) if isinstance(block, Question) else block
        for block in lesson.blocks
    ]
    return render_template(
        "learning/lesson.html",
        loaded=loaded,
        lesson=lesson,
        blocks=blocks,
        unanswered=services.unanswered_in_lesson(user, loaded, lesson),
        position=position + 1,
        previous=loaded.lessons[position - 1] if position > 0 else None,
        following=loaded.next_lesson(lesson.id),
        done=lesson.id in services.done_lessons(user, loaded),
        answered=answers,
        fresh=set(answered or {}),
        question_errors=question_errors or {},
        reflection_forms=reflection_forms,
        saved=notes,
        practices=services.lesson_practices(user, loaded.id, lesson),
        solo_url=screens.solo_start_url(),
        form=CsrfForm(),
    )


@bp.get("/<course_id>/<lesson_id>")
@role_required(Role.PARTICIPANT)
def lesson(course_id: str, lesson_id: str) -> str:
    """Show a lesson and remember it as the place to resume."""
    loaded = get_course(course_id)
    current = get_lesson(loaded, lesson_id)
    services.visit_lesson(current_learner(), loaded, current.id)
    db.session.commit()
    return _lesson_page(loaded, current)


@bp.post("/<course_id>/<lesson_id>/done")
@role_required(Role.PARTICIPANT)
def mark_done(course_id: str, lesson_id: str) -> Response:
    """Mark the lesson as done once its questions are answered and go on: next lesson, or the quiz."""
    loaded = get_course(course_id)
    current = get_lesson(loaded, lesson_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    if services.complete_lesson(current_learner(), loaded, current.id) is None:
        missing = services.unanswered_in_lesson(current_learner(), loaded, current)
        flash(_("Svar på spørsmålene i leksjonen før du markerer den som fullført."), "error")
        anchor = f"question-{missing[0]}"
        url = url_for("learning.lesson", course_id=loaded.id, lesson_id=current.id, _anchor=anchor)
        return redirect(url, 303)
    db.session.commit()
    following = loaded.next_lesson(current.id)
    if following is not None:
        return redirect(url_for("learning.lesson", course_id=loaded.id, lesson_id=following.id), 303)
    if services.may_take_quiz(current_learner(), loaded):
        return redirect(url_for("learning.quiz", course_id=loaded.id), 303)
    flash(_("Noen leksjoner er ikke markert som fullført ennå. Prøven åpner når alle er fullført."), "error")
    return redirect(url_for("learning.course", course_id=loaded.id), 303)


@bp.post("/<course_id>/<lesson_id>/questions/<question_id>")
@role_required(Role.PARTICIPANT)
def answer(course_id: str, lesson_id: str, question_id: str) -> Response:
    """Give feedback on each chosen option and the explanation: the block for htmx, else the page."""
    loaded = get_course(course_id)
    current = get_lesson(loaded, lesson_id)
    question = get_block(current, question_id, Question)
    if not CsrfForm().validate_on_submit():
        abort(400)
    view = screens.answer_view(question, request.form.getlist("option"))
    if not view.chosen:
        message = (
            _("Velg minst ett svar før du sjekker.")
            if question.kind == "multiple"
            else _("Velg et svar før du sjekker.")
        )
        response = _answer_response(loaded, current, question, None, message)
        # htmx swaps only 2xx answers, so the fragment carries the error; a plain form post gets 422.
        response.status_code = 200 if is_htmx() else 422
        return response
    services.save_question_answer(current_learner(), loaded, question.id, view.chosen)
    db.session.commit()
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
        context = {
            "loaded": loaded,
            "lesson": current,
            "question": services.for_learner(current_learner(), loaded.id, question),
            "answer": view,
            "error": error,
            "fresh": True,
        }
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
    loaded = get_course(course_id)
    current = get_lesson(loaded, lesson_id)
    block = get_block(current, reflection_id, Reflection)
    form = ReflectionForm(prefix=block.id)
    if not form.validate_on_submit():
        return _lesson_page(loaded, current, forms={block.id: form}), 422
    if form.delete.data:
        if services.delete_reflection(current_learner(), loaded.id, block.id):
            record_audit("reflections_cleared", current_learner(), detail={"count": 1})
        db.session.commit()
        flash(_("Refleksjonen er slettet."), "success")
    else:
        services.save_reflection(current_learner(), loaded.id, block.id, form.text.data)
        db.session.commit()
        flash(_("Refleksjonen er lagret. Bare du kan se den."), "success")
    url = url_for(
        "learning.lesson", course_id=loaded.id, lesson_id=current.id, _anchor=f"reflection-{block.id}"
    )
    return redirect(url, 303)
