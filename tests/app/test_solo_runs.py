"""Solo practice in the web app: starting a run, playing it with feedback, and the personal debrief."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token

REPO = Path(__file__).resolve().parents[2]
LIBRARY = REPO / "scenarios" / "library"
MINIMAL = REPO / "tests" / "scenarios" / "fixtures" / "minimal.md"
_CHOICES = re.compile(r'name="choice" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(scene|key|checkpoint)" value="([^"]+)">')
_OPTIONS = re.compile(r'type="radio" name="option" value="([^"]+)"')


@pytest.fixture
def library(app: Any, tmp_path: Path) -> dict[str, int]:
    """The built-in scenarios and the small test scenario as library versions: key -> version id."""
    import shutil

    from app.extensions import db
    from app.library import sync_library
    from app.models import ScenarioVersion

    folder = tmp_path / "solo-library"
    folder.mkdir()
    for path in [*LIBRARY.glob("*.md"), MINIMAL]:
        shutil.copyfile(path, folder / path.name)
    with app.app_context():
        sync_library(folder)
        db.session.commit()
        return {v.scenario_key: v.id for v in db.session.scalars(select(ScenarioVersion))}


def start(client: Any, **data: str) -> Any:
    """Post the start form with a fresh CSRF token."""
    return client.post("/solo/start", data={"csrf_token": csrf_token(client, "/solo/"), **data})


def started(client: Any, **data: str) -> str:
    """Start a run and return its play URL."""
    response = start(client, **data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def forms(html: str) -> tuple[list[str], dict[str, str], list[str]]:
    """The choice buttons, the hidden fields of the first step form, and the checkpoint options."""
    return _CHOICES.findall(html), dict(_HIDDEN.findall(html)), _OPTIONS.findall(html)


def step(client: Any, url: str, choice: str | None = None, option: str | None = None, **headers: str) -> Any:
    """Make the next step on the play page: answer the open checkpoint, else press a choice button."""
    html = client.get(url).get_data(as_text=True)
    choices, hidden, options = forms(html)
    data = {"csrf_token": csrf_token(client, url), "scene": hidden["scene"], "key": hidden["key"]}
    if options:
        data |= {"checkpoint": hidden["checkpoint"], "option": option or options[0]}
        return client.post(f"{url}/answer", data=data, headers=headers)
    data["choice"] = choice or choices[0]
    return client.post(f"{url}/choose", data=data, headers=headers)


def run_row(app: Any, url: str) -> Any:
    from app.extensions import db
    from app.models.solo import SoloRun

    with app.app_context():
        run = db.session.scalar(select(SoloRun).where(SoloRun.public_id == url.rsplit("/", 1)[-1]))
        db.session.expunge(run)
    return run


def events(app: Any, url: str) -> list[Any]:
    from app.extensions import db
    from app.models.solo import SoloEvent

    run = run_row(app, url)
    with app.app_context():
        rows = db.session.scalars(select(SoloEvent).where(SoloEvent.run_id == run.id).order_by(SoloEvent.seq))
        return [(row.seq, row.type, row.role, row.payload) for row in rows]


def first_in_file(app: Any, url: str) -> str | None:
    """The first of the run's open choices in the scenario file's order (the page shows its own order)."""
    from app.extensions import db
    from app.models.solo import SoloRun
    from scenarios import play

    with app.app_context():
        run = db.session.scalar(select(SoloRun).where(SoloRun.public_id == url.rsplit("/", 1)[-1]))
        choices = play.available_choices(run.scenario, run.state, run.role_id)
        return choices[0].id if choices else None


def finish(client: Any, app: Any, url: str, limit: int = 60) -> None:
    """Play the run to its end with the first option in the file's order everywhere."""
    for _ in range(limit):
        if run_row(app, url).status == "ended":
            return
        assert step(client, url, choice=first_in_file(app, url)).status_code == 303
    raise AssertionError("the run did not end")


def test_the_catalogue_needs_a_login(client, library):
    response = client.get("/solo/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_catalogue_lists_the_library_with_roles_and_profiles(client, auth, library):
    auth.login()
    html = client.get("/solo/").get_data(as_text=True)
    assert "Fravær og hodepine" in html and "Et lite scenario" in html
    assert '<option value="helsesykepleier">Helsesykepleier</option>' in html
    assert '<option value="cautious">' in html


def test_a_course_link_puts_its_scenario_first_with_role_origin_and_way_back(client, auth, library):
    auth.login()
    html = client.get(
        "/solo/?scenario=minimal&role=helsesykepleier&origin=course:bti:ov-1&next=/courses/bti"
    ).get_data(as_text=True)
    cards = html.split('<li class="card">')[1:]
    assert 'value="minimal"' in cards[0]
    assert '<option value="helsesykepleier" selected>' in cards[0]
    assert '<input type="hidden" name="origin" value="course:bti:ov-1">' in cards[0]
    assert '<input type="hidden" name="next" value="/courses/bti">' in cards[0]
    assert 'name="origin"' not in "".join(cards[1:])


def test_start_from_the_catalogue_pins_the_newest_version(client, auth, app, library, tmp_path):
    from app.extensions import db
    from app.library import sync_library

    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / "minimal.md").write_text(MINIMAL.read_text().replace("Et lite scenario", "Et nyere scenario"))
    with app.app_context():
        sync_library(folder)
        db.session.commit()
    auth.login()
    url = started(client, scenario="minimal", role="helsesykepleier", profile="cautious")
    run = run_row(app, url)
    assert run.scenario_version_id == max(library.values()) + 1
    assert (run.role_id, run.profile, run.origin, run.return_url) == (
        "helsesykepleier",
        "cautious",
        "catalogue",
        None,
    )
    assert "Et nyere scenario" in client.get(url).get_data(as_text=True)


def test_start_by_version_keeps_origin_and_a_safe_way_back(client, auth, app, library):
    auth.login()
    version = library["minimal"]
    url = started(
        client, version=str(version), role="kontaktlaerer", origin="authoring:7", next="/authoring/7"
    )
    run = run_row(app, url)
    assert (run.scenario_version_id, run.profile, run.origin, run.return_url) == (
        version,
        "expert",
        "authoring:7",
        "/authoring/7",
    )
    other = started(client, version=str(version), role="kontaktlaerer", next="https://example.com/phish")
    assert run_row(app, other).return_url is None


def test_a_version_the_user_may_not_read_is_not_found(client, auth, app, library):
    from app.extensions import db
    from app.models import ScenarioVersion

    with app.app_context():
        draft = ScenarioVersion(
            scenario_key="utkast",
            version="0.1",
            title="Utkast",
            source=MINIMAL.read_text(),
            sha256="0" * 64,
            origin="authoring",
        )
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
        # A draft of a library scenario must not hide the library version from the catalogue.
        shadow = ScenarioVersion(
            scenario_key="minimal",
            version="2.0-utkast",
            title="Et lite scenario (utkast)",
            source=MINIMAL.read_text(),
            sha256="1" * 64,
            origin="authoring",
        )
        db.session.add(shadow)
        db.session.commit()
        shadow_id = shadow.id
    auth.login()
    catalogue = client.get("/solo/").get_data(as_text=True)
    assert "Et lite scenario</h3>" in catalogue and "(utkast)" not in catalogue
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert run_row(app, url).scenario_version_id == library["minimal"] != shadow_id
    assert start(client, version=str(shadow_id), role="kontaktlaerer").status_code == 404
    assert start(client, version=str(draft_id), role="kontaktlaerer").status_code == 404
    assert start(client, version="999999", role="kontaktlaerer").status_code == 404
    # By key, the draft is not a version the user may read either.
    response = start(client, scenario="utkast", role="kontaktlaerer")
    assert response.status_code == 404
    assert "Fant ikke scenariet" in response.get_data(as_text=True)
    assert "Utkast" not in client.get("/solo/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "status", "message", "invalid"),
    [
        ({"scenario": "minimal", "role": "rektor"}, 400, "Velg en av rollene i scenariet.", "role-"),
        ({"scenario": "minimal", "role": ""}, 400, "Velg rollen du vil spille.", "role-"),
        (
            {"scenario": "minimal", "role": "kontaktlaerer", "profile": "modig"},
            400,
            "Velg hvordan",
            "profile-",
        ),
        ({"role": "kontaktlaerer"}, 400, "Velg ett scenario.", None),
        ({"scenario": "minimal", "version": "1", "role": "kontaktlaerer"}, 400, "Velg ett scenario.", None),
        ({"version": "abc", "role": "kontaktlaerer"}, 400, "Øvelsen ble ikke startet", None),
        ({"scenario": "finnes ikke", "role": "kontaktlaerer"}, 400, "Ukjent scenario.", None),
        ({"scenario": "finnes-ikke", "role": "kontaktlaerer"}, 404, "Fant ikke scenariet", None),
        ({"scenario": "minimal", "role": "kontaktlaerer", "origin": "x" * 101}, 400, "Øvelsen ble", None),
    ],
)
def test_bad_start_input_comes_back_with_a_message(
    client, auth, app, library, data, status, message, invalid
):
    auth.login()
    response = start(client, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in html
    assert 'role="alert"' in html
    if invalid:
        card = html.split('value="minimal"')[1].split("</form>")[0]
        assert re.search(
            rf'id="{invalid}\d+" name="\w+" aria-invalid="true" aria-describedby="{invalid}\d+-error"', card
        )


def test_start_without_a_csrf_token_is_refused(client, auth, library):
    auth.login()
    response = client.post("/solo/start", data={"scenario": "minimal", "role": "kontaktlaerer"})
    assert response.status_code == 400


def test_another_users_run_is_not_found(client, auth, app, library, make_user, client_for):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    html = client.get(url).get_data(as_text=True)
    _choices, hidden, options = forms(html)
    other = client_for(make_user())
    token = csrf_token(other, "/solo/")
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/debrief").status_code == 404
    answer = {"csrf_token": token, "scene": hidden["scene"], "key": hidden["key"], "checkpoint": "cp-niva"}
    assert other.post(f"{url}/answer", data=answer | {"option": options[0]}).status_code == 404
    assert other.post(f"{url}/choose", data={"csrf_token": token, "choice": "del"}).status_code == 404
    assert other.post(f"{url}/restart", data={"csrf_token": token}).status_code == 404
    assert [e for e in events(app, url) if e[2] is not None] == []


def test_the_player_never_sees_another_roles_private_text(client, auth, app, library):
    from markupsafe import escape

    from app.extensions import db
    from app.models import ScenarioVersion

    with app.app_context():
        scenario = db.session.get(ScenarioVersion, library["fravaer-og-hodepine"]).scenario
    secret = "Torsdag fortalte Emma helsesykepleier at mor har vært sykmeldt siden mai"
    auth.login()
    nurse = started(client, scenario="fravaer-og-hodepine", role="helsesykepleier")
    assert secret in client.get(nurse).get_data(as_text=True)
    assert "Torsdag kom det mer enn hodepine" in client.get(nurse).get_data(as_text=True)

    teacher = started(client, scenario="fravaer-og-hodepine", role="kontaktlaerer")
    pages = 0
    while run_row(app, teacher).status != "ended":
        html = client.get(teacher).get_data(as_text=True)
        state = run_row(app, teacher).state
        assert secret not in html and "Torsdag kom det mer enn hodepine" not in html
        for section in scenario.scene(state["scene"]).roles:
            if section.role != "kontaktlaerer" and section.text:
                assert str(escape(section.text.splitlines()[0])) not in html, section.role
        assert step(client, teacher).status_code == 303
        pages += 1
    assert pages >= 5
    assert secret not in client.get(f"{teacher}/debrief").get_data(as_text=True)


def test_feedback_after_a_non_expert_choice_names_the_expert_choice(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url, option="n1").status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert "Ikke helt." in html and "Vi er fortsatt på nivå 0." in html
    response = step(client, url, choice="vent")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#solo-feedback")
    html = client.get(url).get_data(as_text=True)
    feedback = html.split('id="solo-feedback"')[1].split('id="solo-play"')[0]
    assert "Eksperten ville valgt annerledes." in feedback
    assert "Del fraværet med helsesykepleier" in feedback
    assert "Med samtykke kan du dele." in feedback
    assert "fvl. § 13 a nr. 1" in feedback
    # Waiting ends the case badly at once (the team did not share).
    assert run_row(app, url).state["ending"] == "slutt-svak"


def test_an_htmx_choice_answers_with_the_fragment_and_the_feedback(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303
    response = step(client, url, choice="del", **{"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert "Du valgte som eksperten." in html
    assert 'id="solo-feedback"' in html and 'aria-live="polite"' in html
    # The next scene is in the same answer.
    assert "Meld til barnevernet" in html


def test_a_double_submit_is_stored_once(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303
    html = client.get(url).get_data(as_text=True)
    _choices, hidden, _options = forms(html)
    data = {
        "csrf_token": csrf_token(client, url),
        "scene": hidden["scene"],
        "key": hidden["key"],
        "choice": "del",
    }
    first = client.post(f"{url}/choose", data=data)
    again = client.post(f"{url}/choose", data=data)
    assert first.status_code == again.status_code == 303
    mine = [e for e in events(app, url) if e[2] == "kontaktlaerer" and e[1] == "choose"]
    assert len(mine) == 1


def test_a_stale_choice_is_refused_in_words(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303
    html = client.get(url).get_data(as_text=True)
    _choices, hidden, _options = forms(html)
    data = {"csrf_token": csrf_token(client, url), "scene": "uke2", "key": hidden["key"], "choice": "del"}
    response = client.post(f"{url}/choose", data=data)
    assert response.status_code == 409
    assert "Scenen har gått videre" in response.get_data(as_text=True)
    tampered = client.post(f"{url}/choose", data=data | {"scene": "uke1", "choice": "<script>"})
    assert tampered.status_code == 409
    assert "Valget finnes ikke i denne scenen." in tampered.get_data(as_text=True)
    assert "<script>" not in tampered.get_data(as_text=True)
    incomplete = client.post(f"{url}/choose", data=data | {"scene": "uke1", "key": "not-a-key"})
    assert incomplete.status_code == 400
    assert "Valget kom ikke fram" in incomplete.get_data(as_text=True)


def test_a_finished_run_refuses_changes(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    assert step(client, url).status_code == 303
    html = client.get(url).get_data(as_text=True)
    _choices, hidden, _options = forms(html)
    assert step(client, url, choice="vent").status_code == 303
    assert run_row(app, url).status == "ended"
    before = events(app, url)
    data = {"csrf_token": csrf_token(client, url), "scene": "uke1", "key": "f" * 32, "choice": "del"}
    response = client.post(f"{url}/choose", data=data)
    assert response.status_code == 409
    assert "Denne øvelsen er avsluttet" in response.get_data(as_text=True)
    answer = data | {"checkpoint": "cp-niva", "option": "n0", "key": "e" * 32}
    assert client.post(f"{url}/answer", data=answer).status_code == 409
    assert events(app, url) == before


def test_the_personal_debrief_shows_the_players_choices_against_the_expert(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer", next="/courses/bti")
    assert client.get(f"{url}/debrief").headers["Location"].endswith(url)
    assert step(client, url).status_code == 303
    assert step(client, url, choice="vent").status_code == 303
    html = client.get(f"{url}/debrief").get_data(as_text=True)
    assert "Din debrief" in html
    made = html.split('id="made-heading"')[1]
    assert "Vent" in made and "Del fraværet med helsesykepleier" in made
    assert "Med samtykke kan du dele." in made
    # The nurse's choice was played by the profile: it is not listed as the person's.
    assert "Tilby samtale" not in made
    assert "Ditt bidrag som Kontaktlærer" in html
    assert "Ingen gjør noe" in html  # the ending reached
    assert 'href="/courses/bti"' in html
    assert "Totalt:" in html


def test_a_cautious_team_hesitates_but_makes_no_critical_error(client, auth, app, library):
    auth.login()
    url = started(client, scenario="blamerker-i-barnehagen", role="pedagogisk-leder", profile="cautious")
    finish(client, app, url)
    html = client.get(f"{url}/debrief").get_data(as_text=True)
    run = run_row(app, url)
    # The cautious roles stay within the law; what is critical here is the person's own doing.
    assert all(f["role"] == "pedagogisk-leder" for f in run.report["flags"] if f["severity"] == "critical")
    assert "Samlet resultat" in html
    assert run.total is not None and run.total < 90


def test_restart_starts_a_new_run_with_the_same_settings(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="helsesykepleier", profile="cautious", origin="course:a:b")
    token = csrf_token(client, url)
    response = client.post(f"{url}/restart", data={"csrf_token": token})
    assert response.status_code == 303
    new, old = run_row(app, response.headers["Location"]), run_row(app, url)
    assert new.public_id != old.public_id
    assert (new.scenario_version_id, new.role_id, new.profile, new.origin) == (
        old.scenario_version_id,
        "helsesykepleier",
        "cautious",
        "course:a:b",
    )
    html = client.get("/solo/").get_data(as_text=True)
    assert html.count("Fortsett «Et lite scenario» som Helsesykepleier") == 2


def test_latest_finished_run_per_origin(client, auth, app, library):
    from app.extensions import db
    from app.models import User
    from app.solo.services import latest_finished_run

    user = auth.login()
    first = started(client, scenario="minimal", role="kontaktlaerer", origin="course:bti:ov")
    with app.app_context():
        assert latest_finished_run(db.session.get(User, user.id), "course:bti:ov") is None
    finish(client, app, first)
    started(client, scenario="minimal", role="kontaktlaerer", origin="course:bti:ov")
    with app.app_context():
        found = latest_finished_run(db.session.get(User, user.id), "course:bti:ov")
        assert found is not None and found.public_id == first.rsplit("/", 1)[-1]
        assert latest_finished_run(db.session.get(User, user.id), "catalogue") is None
    html = client.get("/solo/").get_data(as_text=True)
    assert "av 100" in html.split("Fullført")[1]


def test_the_state_cache_is_the_replay_of_the_events_which_cannot_change(client, auth, app, library):
    from app.extensions import db
    from app.models.solo import SoloEvent
    from scenarios.play import replay

    auth.login()
    url = started(client, scenario="ingen-holder-stafetten", role="ppt")
    finish(client, app, url)
    run = run_row(app, url)
    stored = events(app, url)
    assert [seq for seq, *_ in stored] == list(range(1, run.state_version + 1))
    with app.app_context():
        scenario = db.session.get(type(run), run.id).scenario
        assert replay(scenario, [payload for *_, payload in stored]) == run.state
        event = db.session.scalar(select(SoloEvent).where(SoloEvent.run_id == run.id))
        event.type = "advance"
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(ValueError, match="append-only"):
            db.session.delete(db.session.scalar(select(SoloEvent).where(SoloEvent.run_id == run.id)))
            db.session.flush()


def test_the_solo_tables_match_their_migration(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.extensions import db

    def about_solo(diff: Any) -> bool:
        text = repr(diff)
        return "solo_run" in text or "solo_event" in text

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        assert [d for d in compare_metadata(context, db.metadata) if about_solo(d)] == []
        tables = set(db.inspect(connection).get_table_names())
    assert {"solo_run", "solo_event"} <= tables


def test_the_status_line_says_what_the_person_should_do(client, auth, app, library):
    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    status = re.compile(r'<p id="solo-status"[^>]*>([^<]*)</p>')
    assert status.search(client.get(url).get_data(as_text=True)).group(1) == "Uke 1: Svar på sjekkpunktet."
    assert step(client, url).status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert status.search(html).group(1) == "Uke 1: Teamet venter på valget ditt."
    assert step(client, url, choice="del").status_code == 303
    assert step(client, url, choice="meld").status_code == 303
    assert status.search(client.get(url).get_data(as_text=True)).group(1) == "Øvelsen er slutt."


def test_a_readable_version_that_does_not_parse_is_refused_in_words(client, auth, app, library, monkeypatch):
    from app.extensions import db
    from app.models import ScenarioVersion
    from app.solo import services
    from app.solo import views

    with app.app_context():
        broken = ScenarioVersion(
            scenario_key="halvferdig",
            version="0.1",
            title="Halvferdig utkast",
            source="# Bare en overskrift\n",
            sha256="2" * 64,
            origin="authoring",
        )
        db.session.add(broken)
        db.session.commit()
        broken_id = broken.id
    # As if authoring let this user test-play their own draft.
    monkeypatch.setattr(services, "may_read_version", lambda user, version: True)
    monkeypatch.setattr(views, "may_read_version", lambda user, version: True)
    auth.login()
    catalogue = client.get("/solo/")
    assert catalogue.status_code == 200
    assert "Halvferdig utkast" not in catalogue.get_data(as_text=True)
    response = start(client, version=str(broken_id), role="kontaktlaerer")
    assert response.status_code == 422
    assert "kan ikke spilles før feilene i den er rettet" in response.get_data(as_text=True)


def test_restart_needs_a_version_the_user_may_still_read(client, auth, app, library, monkeypatch):
    from app.solo import views

    auth.login()
    url = started(client, scenario="minimal", role="kontaktlaerer")
    monkeypatch.setattr(views, "may_read_version", lambda user, version: False)
    assert client.post(f"{url}/restart", data={"csrf_token": csrf_token(client, url)}).status_code == 404
    assert client.post(f"{url}/restart", data={}).status_code == 400
