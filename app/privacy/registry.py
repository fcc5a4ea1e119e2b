"""Every column that points at a person, and what export and erasure do with its rows.

A test walks the database schema and fails when a column referring to ``user_account`` is missing
here, so a new table with personal data cannot be forgotten by "Mine data" or by erasure.

- ``delete``: the rows are the person's own (progress, reflections, solo practice, secrets) and go.
- ``pseudonymise``: the rows stay so a team's drill and debrief still add up, under "Deltaker N".
- ``keep``: the row belongs to others too (a drill they ran, a scenario they wrote, the audit
  trail); it keeps pointing at the account, which erasure itself turns into a pseudonym.
"""

from __future__ import annotations

DELETE = "delete"
PSEUDONYMISE = "pseudonymise"
KEEP = "keep"

# (table, column) -> what erasure does. The account row itself (user_account.id) is pseudonymised.
PERSON_COLUMNS: dict[tuple[str, str], str] = {
    ("user_account", "id"): PSEUDONYMISE,
    ("audit_event", "actor_id"): KEEP,
    ("authored_scenario", "owner_id"): KEEP,
    ("authored_scenario", "reviewer_id"): KEEP,
    ("scenario_version", "created_by_id"): KEEP,
    ("review_comment", "author_id"): KEEP,
    ("co_author", "user_id"): DELETE,
    ("invitation", "invited_by_id"): KEEP,
    ("drill", "facilitator_id"): KEEP,
    ("training_session", "facilitator_id"): KEEP,
    ("session_facilitator", "user_id"): DELETE,
    ("participant", "user_id"): PSEUDONYMISE,
    ("drill_event", "user_id"): KEEP,
    ("action_point", "created_by_id"): KEEP,
    ("observer", "created_by_id"): KEEP,
    ("course_progress", "user_id"): DELETE,
    ("lesson_completion", "user_id"): DELETE,
    ("reflection_note", "user_id"): DELETE,
    ("quiz_attempt", "user_id"): DELETE,
    ("course_completion", "user_id"): DELETE,
    ("unit_leader", "user_id"): DELETE,
    ("solo_run", "user_id"): DELETE,
    ("password_reset", "user_id"): DELETE,
    ("totp_secret", "user_id"): DELETE,
    ("recovery_code", "user_id"): DELETE,
}

# Columns never put in a download: secrets, or hashes of secrets, that only Laget may check.
SECRET_COLUMNS = frozenset(
    {"password_hash", "token_hash", "secret", "code_hash", "session_epoch", "device_hash", "seat_code_hash"}
)
