"""An outside author's scenario, written from the docs alone, run through the documented CLIs.

The scenario uses role ids the developers never used, so these tests show that the checker, the
explorer and the scoring hold for text written by someone else (see FINDINGS.md for what did not).
"""

from __future__ import annotations

import io
import json
import re
import runpy
import sys
from contextlib import redirect_stderr
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path
from unittest.mock import patch

import pytest

HERE = Path(__file__).parent
SCENARIO = HERE / "scenarios" / "leah-tom-matboks.md"
PATHS = HERE / "paths"
ROLE_IDS = ("laerer-8b", "skolesykepleier", "rektor-nord", "bv-mottak")
SCRIPTED = ("good", "harmful", "late", "incomplete", "missed")


def run_cli(module: str, *args: str, stream: str = "stdout") -> tuple[int, str]:
    """Run `python -m <module> …` in this process, as documented; return exit status and one stream."""
    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    with redirect_stdout(out), redirect_stderr(err), patch.object(sys, "argv", [module, *args]):
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, (out if stream == "stdout" else err).getvalue()


def score(scenario: Path, path: str) -> dict:
    """Score one team path with `python -m scoring score … --format json`."""
    code, out = run_cli("scoring", "score", str(scenario), "--path", path, "--format", "json")
    assert code == 0, out
    return json.loads(out)


@cache
def scored(name: str) -> dict:
    """The score of a named path (expert, cautious or one of the scripts in paths/)."""
    path = name if name in ("expert", "cautious") else str(PATHS / f"{name}.json")
    return score(SCENARIO, path)


def criticals(report: dict) -> set[tuple[str, str | None, str | None]]:
    """The critical flags as (code, role, scene)."""
    flags = report["flags"]
    return {(f["code"], f.get("role"), f.get("scene")) for f in flags if f["severity"] == "critical"}


def rename_roles(text: str, mapping: dict[str, str]) -> str:
    """Replace whole role ids (not words that merely contain them, like «skolesykepleieren»)."""
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, mapping)) + r")(?![\w-])")
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def test_check_is_clean():
    code, out = run_cli("scenarios", "check", str(SCENARIO))
    assert code == 0, out
    assert "0 feil, 0 advarsler" in out


def test_explore_reaches_every_scene_and_ending():
    code, out = run_cli("scenarios", "show", str(SCENARIO), "--format", "json")
    assert code == 0, out
    outline = json.loads(out)
    code, out = run_cli("scenarios", "explore", str(SCENARIO), "--format", "json")
    assert code == 0, out
    explored = json.loads(out)
    assert explored["exhaustive"] is True
    assert set(explored["scenes_reached"]) == {s["id"] for s in outline["scenes"]}
    assert set(explored["endings_reached"]) == {e["id"] for e in outline["endings"]}
    assert len(outline["scenes"]) >= 6 and len(outline["endings"]) >= 3
    assert explored["scenes_unreached"] == [] and explored["endings_unreached"] == []
    assert explored["stuck_paths"] == 0


def test_roles_declare_their_service():
    code, out = run_cli("scenarios", "show", str(SCENARIO), "--format", "json")
    assert code == 0, out
    roles = {r["id"]: r["service"] for r in json.loads(out)["roles"]}
    services = ("skole", "helse", "leder", "barnevern")
    assert roles == dict(zip(ROLE_IDS, services, strict=True))


def test_expert_path_is_performed_without_critical_flags():
    report = scored("expert")
    assert report["total"] >= 90
    assert report["rating"] == "P"
    assert report["complete"] is True and report["ending"] == "slutt-god"
    assert criticals(report) == set()
    assert report["capped"] is False


def test_scripted_paths_come_in_the_expected_order():
    totals = {name: scored(name)["total"] for name in ("expert", "good", "late", "harmful", "missed")}
    assert totals["expert"] > totals["good"] > totals["late"] > totals["harmful"]
    assert totals["late"] > totals["missed"]
    assert totals["harmful"] <= 50 and totals["missed"] <= 50


def test_good_variant_has_no_critical_flag_and_still_ends_well():
    report = scored("good")
    assert criticals(report) == set()
    assert report["ending"] == "slutt-god"


def test_harmful_path_is_capped_for_each_unlawful_health_share():
    report = scored("harmful")
    assert report["capped"] is True
    assert criticals(report) == {
        ("unlawful_disclosure", "skolesykepleier", "onsdag"),
        ("unlawful_disclosure", "skolesykepleier", "samarbeid"),
    }
    first = report["flags"][0]  # critical flags come first in the debrief
    assert first["severity"] == "critical"
    assert "Kontaktlærer 8B" in first["message"] and "uten samtykke" in first["message"]


def test_late_report_is_a_warning_and_scores_below_the_expert():
    report = scored("late")
    assert criticals(report) == set()
    late = [f for f in report["flags"] if f["code"] == "late_report"]
    assert len(late) == 1 and late[0]["scene"] == "uke45"
    assert "7 dager etter fristen" in late[0]["message"]
    assert report["dimensions"]["escalation"] < scored("expert")["dimensions"]["escalation"]


def test_missed_report_is_critical_and_ends_poorly():
    report = scored("missed")
    assert report["ending"] == "slutt-svak"
    assert ("missed_report", None, "onsdag") in criticals(report)


def test_incomplete_drill_is_marked_incomplete():
    report = scored("incomplete")
    assert report["complete"] is False
    assert report["ending"] is None


def test_a_choice_the_team_cannot_make_stops_with_scene_and_role(tmp_path):
    script = tmp_path / "impossible.json"
    script.write_text(json.dumps({"choices": {"onsdag": {"skolesykepleier": "finnes-ikke"}}}))
    code, err = run_cli("scoring", "score", str(SCENARIO), "--path", str(script), stream="stderr")
    assert code == 1
    assert "«onsdag»" in err and "«skolesykepleier»" in err and "finnes-ikke" in err


@pytest.mark.parametrize(
    "new_ids",
    [
        ("r1", "r2", "r3", "r4"),
        # The library's usual ids, deliberately on the wrong roles: only `service:` may count.
        ("helsesykepleier", "kontaktlaerer", "bvt", "ppt"),
    ],
    ids=["neutral", "misleading"],
)
def test_renaming_role_ids_changes_no_score(tmp_path, new_ids):
    mapping = dict(zip(ROLE_IDS, new_ids, strict=True))
    back = {v: k for k, v in mapping.items()}
    renamed = tmp_path / "renamed.md"
    renamed.write_text(rename_roles(SCENARIO.read_text(encoding="utf-8"), mapping), encoding="utf-8")
    assert "laerer-8b" not in renamed.read_text(encoding="utf-8")
    for name in ("expert", "cautious", *SCRIPTED):
        if name in ("expert", "cautious"):
            path = name
        else:
            script = tmp_path / f"{name}.json"
            script.write_text(rename_roles((PATHS / f"{name}.json").read_text(encoding="utf-8"), mapping))
            path = str(script)
        got = score(renamed, path)
        for flag in got["flags"]:
            flag["role"] = back.get(flag.get("role"), flag.get("role"))
        want = scored(name)
        for key in ("total", "rating", "capped", "complete", "ending", "dimensions", "flags"):
            assert got[key] == want[key], (name, key)


@pytest.mark.parametrize("nurse_id", ["skolesykepleier", "kontaktlaerer"])
def test_report_expected_of_the_nurse_but_sent_by_the_teacher_is_a_personal_duty_warning(tmp_path, nurse_id):
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "    due: onsdag\n", "    due: onsdag\n    role: skolesykepleier\n", 1
    )
    mapping = {"skolesykepleier": nurse_id, "laerer-8b": "r1"}
    copy = tmp_path / "role.md"
    copy.write_text(rename_roles(text, mapping), encoding="utf-8")
    script = tmp_path / "harmful.json"
    script.write_text(rename_roles((PATHS / "harmful.json").read_text(encoding="utf-8"), mapping))
    report = score(copy, str(script))
    duty = [f for f in report["flags"] if f["code"] == "personal_duty"]
    assert [(f["severity"], f["role"], f["scene"]) for f in duty] == [("warning", nurse_id, "onsdag")]
    assert "Skolesykepleier meldte ikke selv" in duty[0]["message"]
    assert "Kontaktlærer 8B" in duty[0]["message"]
