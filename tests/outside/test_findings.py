"""The defects the outside author found (FINDINGS.md), each reproduced on the outside scenario."""

from __future__ import annotations

import json

from tests.outside.test_outside_scenario import PATHS
from tests.outside.test_outside_scenario import SCENARIO
from tests.outside.test_outside_scenario import run_cli
from tests.outside.test_outside_scenario import score
from tests.outside.test_outside_scenario import scored


def flags_of(report: dict, code: str) -> list[dict]:
    return [f for f in report["flags"] if f["code"] == code]


def sibling_first(text: str) -> str:
    """Finding 2's reproduction: the title and summary no longer name Leah; the brother is named first."""
    text = text.replace("title: Leah har tom matboks", "title: Tom matboks i 8B", 1)
    text = text.replace("  Leah (13) i 8B sovner", "  En elev (13) i 8B sovner", 1)
    return text.replace(
        "Leah (13) går i 8B på Nordbakken skole.",
        "Eleven i 8B på Nordbakken skole heter Leah og er 13 år.",
        1,
    )


def test_the_child_is_named_by_the_child_key_and_never_guessed_from_prose(tmp_path):
    text = sibling_first(SCENARIO.read_text(encoding="utf-8"))
    assert "child: Leah\n" in text
    named = tmp_path / "named.md"
    named.write_text(text, encoding="utf-8")
    unnamed = tmp_path / "unnamed.md"
    unnamed.write_text(text.replace("child: Leah\n", "", 1), encoding="utf-8")
    harmful = str(PATHS / "harmful.json")
    (leading,) = flags_of(score(named, harmful), "leading_questions")
    assert "stilte Leah ledende spørsmål" in leading["message"]
    (leading,) = flags_of(score(unnamed, harmful), "leading_questions")
    assert "stilte barnet ledende spørsmål" in leading["message"]
    assert "Teo" not in leading["message"]


def test_the_child_key_must_be_one_line_of_text(tmp_path):
    copy = tmp_path / "list.md"
    copy.write_text(
        SCENARIO.read_text(encoding="utf-8").replace("child: Leah\n", "child: [Leah, Teo]\n", 1),
        encoding="utf-8",
    )
    code, out = run_cli("scenarios", "check", str(copy))
    assert code == 1
    assert "SC015" in out and "child" in out


def played_scenes(report: dict) -> set[str]:
    """The scenes the team played, from the choices the scorecard lists."""
    return {c["scene"] for c in report["choices"]}


def test_confidentiality_as_excuse_names_each_item_once_and_carries_it_in_the_json():
    report = scored("missed")
    kept = flags_of(report, "confidentiality_as_excuse")
    assert sorted((f["role"], f["info"]) for f in kept) == [
        ("laerer-8b", "henting"),
        ("laerer-8b", "observasjoner"),
        ("skolesykepleier", "hjemme"),
        ("skolesykepleier", "vekttap"),
    ]
    titles = {
        "henting": "«Leah henter Teo»",
        "observasjoner": "«Observasjoner fra klasserommet»",
        "hjemme": "«Det Leah forteller om hjemmet»",
        "vekttap": "«Vekttap og søvn»",
    }
    for flag in kept:
        assert titles[flag["info"]] in flag["message"]
        assert all(title not in flag["message"] for info, title in titles.items() if info != flag["info"])
    assert len({f["message"] for f in kept}) == len(kept)


def test_every_flag_cites_a_scene_the_team_played():
    for name in ("missed", "harmful", "late", "incomplete", "good", "cautious"):
        report = scored(name)
        played = played_scenes(report)
        assert "mottak" not in played or name != "missed"
        for flag in report["flags"]:
            assert flag["scene"] in played, (name, flag)
    cited = {f["scene"] for f in flags_of(scored("missed"), "confidentiality_as_excuse")}
    assert cited == {"uke45"}  # the last scene where sharing was open, not the unvisited deadline scene


def test_confidentiality_as_excuse_only_for_a_role_that_could_share_lawfully(tmp_path):
    report = scored("harmful")
    kept = flags_of(report, "confidentiality_as_excuse")
    # The teacher never had a choice that shares the nurse's items; the nurse had one (hpl. § 33).
    assert sorted((f["role"], f["scene"], f["info"]) for f in kept) == [
        ("skolesykepleier", "onsdag", "hjemme"),
        ("skolesykepleier", "onsdag", "vekttap"),
    ]
    for flag in kept:
        assert "samtykke" not in flag["message"]
        assert "hpl. § 33" in flag["message"]
    # The same after a lawful share on the mother's consent: that consent never covered child welfare.
    script = tmp_path / "consent.json"
    script.write_text(json.dumps({"choices": {"onsdag": {"skolesykepleier": "vekt-samtykke"}}}))
    consent = score(SCENARIO, str(script))
    kept = flags_of(consent, "confidentiality_as_excuse")
    assert {f["role"] for f in kept} == {"skolesykepleier"}
    assert all("samtykke" not in f["message"] for f in kept)


def test_confidentiality_as_excuse_has_one_message_form_naming_item_and_recipient():
    for name in ("missed", "harmful", "cautious"):
        for flag in flags_of(scored(name), "confidentiality_as_excuse"):
            who = {"laerer-8b": "Kontaktlærer 8B", "skolesykepleier": "Skolesykepleier"}[flag["role"]]
            assert flag["message"].startswith(f"{who} delte ikke «"), flag["message"]
            assert " med Barneverntjenesten, mottak innen fristen" in flag["message"] or (
                " med Rektor, Nordbakken skole innen fristen" in flag["message"]
            )


def test_repeated_interviews_sits_on_the_role_that_interviewed_without_coordination():
    (flag,) = flags_of(scored("harmful"), "repeated_interviews")
    assert flag["role"] == "laerer-8b" and flag["scene"] == "mottak"
    assert "Kontaktlærer 8B" in flag["message"] and "Barneverntjenesten, mottak" in flag["message"]


def test_the_cautious_team_never_takes_a_choice_marked_against_the_childs_voice():
    report = scored("cautious")
    made = {(c["scene"], c["role"]): c["choice"] for c in report["choices"]}
    # «Spør Leah hvor mye mor drikker …» (ledende, stemme -2) and «Henlegg …» (stemme -2) were open.
    assert made[("mottak", "laerer-8b")] != "sporre-ut"
    assert made[("mottak", "bv-mottak")] != "henlegg"
    assert flags_of(report, "leading_questions") == []


def test_a_report_past_its_due_scene_is_not_rated_without_challenges():
    report = scored("late")
    assert [f["code"] for f in report["flags"]] == ["late_report"]
    assert report["total"] >= 85  # the number alone would be P
    assert report["rating"] == "S"
    code, out = run_cli("scoring", "score", str(SCENARIO), "--path", str(PATHS / "late.json"))
    assert code == 0
    assert "uten utfordringer" not in out
    assert "(S – Gjennomført med noen utfordringer)" in out


def test_an_incomplete_drill_is_never_labelled_performed():
    code, out = run_cli("scoring", "score", str(SCENARIO), "--path", str(PATHS / "incomplete.json"))
    assert code == 0
    total = next(line for line in out.splitlines() if line.startswith("Totalt:"))
    assert "Ufullstendig øvelse" in total and "Gjennomført" not in total
    code, out = run_cli(
        "scoring", "score", str(SCENARIO), "--path", str(PATHS / "incomplete.json"), "--lang", "en"
    )
    total = next(line for line in out.splitlines() if line.startswith("Total:"))
    assert "Incomplete drill" in total and "Performed" not in total


def test_score_in_english_prints_english_headers_and_flag_messages():
    code, out = run_cli(
        "scoring", "score", str(SCENARIO), "--path", str(PATHS / "harmful.json"), "--lang", "en"
    )
    assert code == 0
    for norwegian in (
        "Totalt",
        "Dimensjon",
        "Fullført",
        "Flagg",
        "kritisk",
        "advarsel",
        " delte ",
        "uten samtykke",
    ):
        assert norwegian not in out, norwegian
    assert "Total:" in out and "Dimension" in out and "Lawful information sharing" in out
    assert "[critical] unlawful_disclosure" in out
    assert (
        "Skolesykepleier shared “Det Leah forteller om hjemmet” and “Vekttap og søvn” with Kontaktlærer 8B"
        in out
    )
    assert "Kontaktlærer 8B asked Leah leading questions (day 20, “Meldingen i mottaket”)." in out
    code, out = run_cli(
        "scoring",
        "score",
        str(SCENARIO),
        "--path",
        str(PATHS / "harmful.json"),
        "--lang",
        "en",
        "--format",
        "json",
    )
    messages = [f["message"] for f in json.loads(out)["flags"]]
    assert all(" delte " not in m and "selv om" not in m for m in messages)


def test_score_shows_the_choice_each_role_made_on_the_cautious_path():
    code, out = run_cli("scoring", "score", str(SCENARIO), "--path", "cautious")
    assert code == 0
    assert "Valg på stien" in out
    report = scored("cautious")
    roles = {c["role"] for c in report["choices"] if c["scene"] == "onsdag"}
    assert roles == {"laerer-8b", "skolesykepleier", "rektor-nord"}  # bv-mottak is passive there
    for line in report["choices"]:
        shown = f"  {line['scene']}, {line['role']}: {line['choice']} («{line['label']}»)"
        assert shown in out


def test_a_task_basis_from_health_personnel_is_a_checker_warning(tmp_path):
    copy = tmp_path / "oppgave.md"
    text = SCENARIO.read_text(encoding="utf-8")
    assert "  - Deler: vekttap -> fastlege (samtykke)\n" in text
    copy.write_text(
        text.replace(
            "  - Deler: vekttap -> fastlege (samtykke)\n", "  - Deler: vekttap -> fastlege (oppgave)\n"
        ),
        encoding="utf-8",
    )
    code, out = run_cli("scenarios", "check", str(copy))
    assert code == 0  # a warning, not an error
    assert "SC048" in out and "«Skolesykepleier»" in out and "«vekttap»" in out
    # A teacher (service: skole) may share on `oppgave`: no warning.
    teacher = copy.read_text(encoding="utf-8").replace(
        "  - Deler: observasjoner -> rektor-nord (tjenestlig behov)\n",
        "  - Deler: observasjoner -> rektor-nord (oppgave)\n",
    )
    copy.write_text(teacher.replace("fastlege (oppgave)", "fastlege (samtykke)"), encoding="utf-8")
    assert "SC048" not in run_cli("scenarios", "check", str(copy))[1]
