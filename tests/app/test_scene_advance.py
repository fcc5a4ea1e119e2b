"""Moving a team on from the console: asked twice, away from Pause, and never silent about skipped injects."""

from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import db
from app.models import Drill
from app.models import utcnow
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control
from tests.conftest import drill_state


def _in_second_scene(app, client, auth, make_drill, join_as):
    """A running minimal drill in its second scene, whose inject fires after five minutes there."""
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    kari, nils = join_as(drill, "Kari"), join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    assert choose(kari, drill, "kontaktlaerer", "del").status_code == 303
    assert choose(nils, drill, "helsesykepleier", "samtale").status_code == 303
    assert drill_state(app, drill.public_id).state["round"] == 2
    return drill


def _console(client, drill) -> str:
    return client.get(f"/facilitate/drills/{drill.public_id}").get_data(as_text=True)


def test_going_to_the_next_scene_asks_first_and_names_who_has_not_chosen(
    app, client, auth, make_drill, join_as
):
    drill = _in_second_scene(app, client, auth, make_drill, join_as)
    html = _console(client, drill)
    confirm = re.search(r'<details class="confirm-advance".*?</details>', html, re.S)
    assert confirm, "the advance button sits inside a confirmation that opens first"
    text = confirm.group(0)
    assert "<summary>Gå til neste scene …</summary>" in text
    assert "Kontaktlærer har ikke valgt. De blir registrert uten valg i denne scenen." in text
    assert 'id="control-advance">Ja, gå til neste scene</button>' in text
    controls = html[html.index('class="controls"') : html.index("</section>", html.index('class="controls"'))]
    assert controls.index('id="control-pause"') < controls.index("confirm-advance")
    assert "Gå til neste scene</button>" not in html


def test_the_console_warns_that_a_timed_inject_will_be_skipped_when_the_team_moves_on(
    app, client, auth, make_drill, join_as
):
    drill = _in_second_scene(app, client, auth, make_drill, join_as)
    html = _console(client, drill)
    confirm = re.search(r'<details class="confirm-advance".*?</details>', html, re.S).group(0)
    assert "Hendelsen «Mor ringer» er ikke utløst og blir hoppet over." in confirm


def test_the_console_warns_when_the_scene_timer_runs_out_before_an_inject_fires(
    app, client, auth, make_drill, join_as
):
    drill = _in_second_scene(app, client, auth, make_drill, join_as)
    assert "blir hoppet over. Utløs den nå" not in _console(client, drill)
    assert control(client, drill, "timer", minutes="2").status_code == 303
    warning = "Tiden for scenen går ut før hendelsen utløses, så den blir hoppet over."
    assert warning in _console(client, drill)
    assert control(client, drill, "timer", minutes="10").status_code == 303
    assert "Tiden for scenen går ut før hendelsen utløses" not in _console(client, drill)


def test_an_inject_the_team_left_behind_is_marked_as_skipped(app, client, auth, make_drill, join_as):
    drill = _in_second_scene(app, client, auth, make_drill, join_as)
    html = _console(client, drill)
    scene = re.search(r'name="scene" value="([^"]+)"', html).group(1)
    key = re.search(r'name="key" value="([^"]+)"', html[html.index("confirm-advance") :]).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, "scene": scene, "key": key}
    assert client.post(f"/facilitate/drills/{drill.public_id}/advance", data=data).status_code == 303
    html = _console(client, drill)
    assert "Hoppet over: teamet gikk videre fra «Uke 2» før tiden var ute." in html


def test_every_screen_warns_in_the_last_minute_of_the_scene_timer(app, client, auth, make_drill, join_as):
    drill = make_drill(facilitator=auth.login(as_role="facilitator"))
    kari, nils = join_as(drill, "Kari"), join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    assert choose(nils, drill, "helsesykepleier", "samtale").status_code == 303
    assert control(client, drill, "timer", minutes="10").status_code == 303
    play = f"/drills/{drill.public_id}/play"
    assert "Under ett minutt igjen" not in kari.get(play).get_data(as_text=True)
    assert "Under ett minutt igjen" not in _console(client, drill)
    with app.app_context():  # nine and a half minutes later
        stored = db.session.get(Drill, drill.id)
        stored.scene_deadline = utcnow() + timedelta(seconds=30)
        db.session.commit()
    waiting = kari.get(play).get_data(as_text=True)
    assert "Velg nå: når tiden er ute, går scenen videre uten valget ditt." in waiting
    assert re.search(
        r'id="drill-status"[^>]*>[^<]*Under ett minutt igjen før scenen går videre\.</p>', waiting
    )
    chosen = nils.get(play).get_data(as_text=True)
    assert "Under ett minutt igjen.</strong>" in chosen and "Når tiden er ute, går scenen videre." in chosen
    console = _console(client, drill)
    assert (
        "Når tiden er ute, går teamet videre, og de som ikke har valgt, blir registrert uten valg." in console
    )
