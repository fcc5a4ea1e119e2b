"""A role's choices follow the state: a choice that opens mid-scene reaches the open screen (defect 1)."""

from __future__ import annotations

import re

from tests.conftest import MINIMAL_SCENARIO
from tests.conftest import assign
from tests.conftest import choose
from tests.conftest import control

# The teacher may ask for the nurse's notes only once the nurse has offered the talk.
ASK_FOR_NOTES = """- Be om notatet fra samtalen {#notat}
  - Krever: `helsesykepleier valgte samtale`

  Da vet dere det samme.

- Vent {#vent}"""


def _form(html: str) -> tuple[str, list[str]]:
    """The choice form's id and its choices, as the page shows them."""
    form = re.search(r'<form method="post" action="[^"]*/choose" class="choices"[^>]*id="([^"]+)"', html)
    return form.group(1), re.findall(r'name="choice" value="([^"]+)"', html)


def test_a_choice_that_opens_mid_scene_replaces_the_kept_form(
    app, client, auth, make_drill, join_as, tmp_path
):
    library = tmp_path / "conditional"
    library.mkdir()
    source = MINIMAL_SCENARIO.read_text(encoding="utf-8")
    assert "- Vent {#vent}" in source
    (library / "minimal.md").write_text(source.replace("- Vent {#vent}", ASK_FOR_NOTES, 1), encoding="utf-8")
    drill = make_drill(facilitator=auth.login(as_role="facilitator"), library=library)
    kari, nils = join_as(drill, "Kari"), join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    page = kari.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    before, offered = _form(page)
    assert "notat" not in offered
    poll = re.search(r'hx-get="([^"]*/play/state[^"]*)"', page).group(1).replace("&amp;", "&")
    htmx = {"HX-Request": "true"}
    assert _form(kari.get(poll, headers=htmx).get_data(as_text=True))[0] == before  # unchanged: kept
    assert choose(nils, drill, "helsesykepleier", "samtale").status_code == 303
    after, offered = _form(kari.get(poll, headers=htmx).get_data(as_text=True))
    assert "notat" in offered
    assert after != before, "the form keeps its id, so hx-preserve would keep the old choices on screen"
