"""Choices are shown in an order of their own per drill or run, scene and role, not in the file's order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.drills.screens import shuffled_choices
from scenarios.parse import parse
from tests.conftest import assign
from tests.conftest import control
from tests.conftest import csrf_token
from tests.conftest import page_choices

LIBRARY = sorted((Path(__file__).parents[2] / "scenarios" / "library").glob("*.md"))
SEEDS = [f"run{n:02d}" for n in range(12)]


@pytest.mark.parametrize("path", LIBRARY, ids=lambda path: path.stem)
def test_always_taking_the_first_shown_choice_is_not_always_the_expert_choice(path):
    scenario = parse(path.read_text(encoding="utf-8")).scenario
    assert scenario is not None
    sections = [
        (scene.id, role, section.choices)
        for scene in scenario.scenes
        for role, section in ((r.id, scene.section(r.id)) for r in scenario.meta.roles)
        if section is not None and len(section.choices) > 1 and any(c.expert for c in section.choices)
    ]
    assert sections
    first_is_expert = [
        shuffled_choices(list(choices), seed, scene_id, role)[0].expert
        for seed in SEEDS
        for scene_id, role, choices in sections
    ]
    assert not all(first_is_expert)
    # The same choices come back (only the order changes), and the file keeps its own order.
    scene_id, role, choices = sections[0]
    before = [c.id for c in choices]
    assert sorted(c.id for c in shuffled_choices(list(choices), "x", scene_id, role)) == sorted(before)
    assert [c.id for c in choices] == before


def test_the_order_depends_on_the_seed_and_is_stable_for_one():
    scenario = parse(LIBRARY[0].read_text(encoding="utf-8")).scenario
    scene, role, choices = next(
        (scene, r.id, scene.section(r.id).choices)
        for scene in scenario.scenes
        for r in scenario.meta.roles
        if scene.section(r.id) is not None and len(scene.section(r.id).choices) > 2
    )
    orders = {tuple(c.id for c in shuffled_choices(list(choices), seed, scene.id, role)) for seed in SEEDS}
    assert len(orders) > 1
    once = shuffled_choices(list(choices), "abc", scene.id, role)
    assert shuffled_choices(list(choices), "abc", scene.id, role) == once


@pytest.fixture
def started(app, client, auth, make_drill, join_as):
    """A running minimal drill: Kari plays the teacher, Nils the school nurse."""
    facilitator = auth.login(as_role="facilitator")
    drill = make_drill(facilitator=facilitator)
    teacher = join_as(drill, "Kari")
    join_as(drill, "Nils")
    assert assign(app, client, drill, {"kontaktlaerer": "Kari", "helsesykepleier": "Nils"}).status_code == 303
    assert control(client, drill, "start").status_code == 303
    return drill, teacher


def test_the_participant_sees_the_same_order_on_every_reload(started):
    drill, teacher = started
    first, _hidden = page_choices(teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True))
    again, _hidden = page_choices(teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True))
    assert first == again and len(first) > 1
    minimal = Path(__file__).parents[1] / "scenarios" / "fixtures" / "minimal.md"
    scenario = parse(minimal.read_text(encoding="utf-8")).scenario
    expected = shuffled_choices(
        scenario.scene("uke1").section("kontaktlaerer").choices, drill.public_id, "uke1", "kontaktlaerer"
    )
    assert first == [c.id for c in expected]


def test_a_choice_is_confirmed_with_a_button_and_an_unpicked_one_is_marked_on_the_fieldset(started):
    drill, teacher = started
    html = teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
    form = re.search(r'<form[^>]*class="choices".*?</form>', html, re.S).group(0)
    assert "novalidate" in form and 'type="radio" name="choice"' in form and "Bekreft valget" in form
    assert '<button type="submit" name="choice"' not in form
    _choices, hidden = page_choices(html)
    data = {"csrf_token": csrf_token(teacher, "/drills/join"), "role": "kontaktlaerer", **hidden}
    response = teacher.post(f"/drills/{drill.public_id}/choose", data=data)
    assert response.status_code == 422
    fieldset = re.search(
        r'<fieldset[^>]*aria-describedby="([^"]+)"[^>]*>(.*?)</fieldset>', response.text, re.S
    )
    assert fieldset and f'id="{fieldset.group(1)}"' in fieldset.group(2)
    assert "Velg hva du vil gjøre før du bekrefter." in fieldset.group(2)
    assert 'aria-invalid="true"' in fieldset.group(2)
    assert "Bekreft valget" in teacher.get(f"/drills/{drill.public_id}/play").get_data(as_text=True)
