"""Routes of the learning blueprint: ``bp`` with every route, one module per area, for the app factory.

Every page needs a login. A learner's progress, reflections, attempts and certificates are loaded
through the logged-in user only, so another person's attempt or certificate is a 404; reflections
are shown to their author and to nobody else. The overview is for admins (their organisation) and
unit leaders (their units); everyone else gets 403.
"""

from __future__ import annotations

from app.learning.blueprint import bp
from app.learning.views import courses
from app.learning.views import lessons
from app.learning.views import overview
from app.learning.views import quiz

__all__ = ["bp", "courses", "lessons", "overview", "quiz"]
