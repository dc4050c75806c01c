"""Form files: the shipped form, refusals with file and line, skipping bad files, versions."""

from pathlib import Path

import pytest

from wmo_desk.domain.forms import from_dict, missing_required, to_dict, visible_sections
from wmo_desk.formdefs.loader import FormDefinitionError, available_forms, latest, load_form, main
from wmo_desk.paths import forms_dir

SHIPPED = forms_dir() / "keukentafelgesprek-2026.1.yaml"


def test_the_shipped_form_covers_every_topic_of_article_2_3_2():
    form = load_form(SHIPPED)
    assert form.form_id == "keukentafelgesprek" and form.version == "2026.1"
    assert [s.id for s in form.sections] == [
        "gesprek",
        "rechten",
        "hulpvraag",
        "eigen_kracht",
        "netwerk",
        "participatie",
        "afstemming",
        "eigen_bijdrage",
        "conclusie",
    ]
    for qid in (
        "gesprek.deelnemers",
        "rechten.clientondersteuning_aangeboden",
        "rechten.persoonlijk_plan_gemeld",
        "hulpvraag.kenmerken",
        "eigen_kracht.gebruikelijke_hulp",
        "netwerk.mantelzorger_ondersteuning",
        "participatie.voorzieningen",
        "afstemming.andere_zorg",
        "afstemming.wlz_indicatie",
        "eigen_bijdrage.geinformeerd",
        "conclusie.tekst",
    ):
        assert form.question(qid) is not None, qid
    assert {q.id for q in missing_required(form, {})} >= {
        "gesprek.datum",
        "rechten.clientondersteuning_aangeboden",
        "eigen_bijdrage.geinformeerd",
    }


GOOD = """form_id: f
version: "1"
title: Test
sections:
  - id: s
    title: S
    questions:
      - id: a
        label: A
        type: yes_no
"""


def refused(tmp_path: Path, text: str) -> FormDefinitionError:
    path = tmp_path / "kapot.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as info:
        load_form(path)
    return info.value


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        (
            GOOD + "      - id: b\n        label: B\n        type: tekstt\n",
            13,
            "onbekend vraagtype 'tekstt'",
        ),
        (
            GOOD
            + "      - id: b\n        label: B\n        type: yes_no\n        verplicht: true\n",
            14,
            "onbekende sleutel 'verplicht'",
        ),
        (
            GOOD + "      - id: a\n        label: B\n        type: yes_no\n",
            11,
            "vraag-id 'a' komt twee keer voor",
        ),
        (
            GOOD
            + "      - id: b\n        label: B\n        type: short_text\n        condition: {question: z, equals: true}\n",
            14,
            "niet eerder in het formulier",
        ),
        (
            GOOD + "      - id: b\n        label: B\n        type: single_choice\n",
            11,
            "geen options",
        ),
        (
            GOOD
            + "      - id: b\n        label: B\n        type: short_text\n        condition: {question: a, equals: misschien}\n",
            14,
            "'misschien' is geen antwoord",
        ),
        (GOOD.replace("title: S\n", "title: S\n  bad: [\n"), 7, "geen geldige YAML"),
    ],
)
def test_malformed_forms_name_file_and_line(tmp_path, text, line, fragment):
    err = refused(tmp_path, text)
    assert err.line == line, err.message
    assert err.message.startswith(f"kapot.yaml, regel {line}: ")
    assert fragment in err.message


def test_a_condition_on_a_later_question_is_refused(tmp_path):
    text = GOOD.replace(
        "        type: yes_no\n",
        "        type: yes_no\n        condition: {question: b, equals: true}\n",
    ) + ("      - id: b\n        label: B\n        type: yes_no\n")
    assert "niet eerder in het formulier" in refused(tmp_path, text).message


def test_a_bad_file_is_skipped_and_the_good_ones_still_load(tmp_path):
    (tmp_path / "goed.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "slecht.yaml").write_text(GOOD.replace("yes_no", "ja_nee"), encoding="utf-8")
    forms, errors = available_forms(tmp_path)
    assert [f.form_id for f in forms] == ["f"]
    assert len(errors) == 1 and errors[0].message.startswith("slecht.yaml, regel 10")


def test_newest_version_is_offered_and_an_old_conversation_keeps_its_version(tmp_path):
    (tmp_path / "f-1.yaml").write_text(GOOD, encoding="utf-8")
    newer = GOOD.replace('version: "1"', 'version: "1.10"').replace(
        "type: yes_no", "type: yes_no\n        required: true"
    )
    (tmp_path / "f-1.10.yaml").write_text(newer, encoding="utf-8")
    (tmp_path / "f-1.9.yaml").write_text(
        GOOD.replace('version: "1"', 'version: "1.9"'), encoding="utf-8"
    )
    forms, _ = available_forms(tmp_path)
    assert latest(forms, "f").version == "1.10"
    old = next(f for f in forms if f.version == "1")
    snapshot = to_dict(old)
    (tmp_path / "f-1.yaml").unlink()  # the municipality removed the old file
    restored = from_dict(snapshot)
    assert missing_required(restored, {}) == []  # old rules: 'a' was optional
    assert [q.id for q in missing_required(latest(forms, "f"), {})] == ["a"]
    assert [s.id for s in visible_sections(restored, {})] == ["s"]


def test_command_line_check(tmp_path, capsys):
    assert main([str(SHIPPED)]) == 0
    assert "OK: Keukentafelgesprek" in capsys.readouterr().out
    bad = tmp_path / "x.yaml"
    bad.write_text(GOOD.replace("yes_no", "ja_nee"), encoding="utf-8")
    assert main([str(bad)]) == 1
    assert "x.yaml, regel 10" in capsys.readouterr().err


def test_versions_are_numbers_taken_as_written(tmp_path):
    err = refused(tmp_path, GOOD.replace('version: "1"', 'version: "2026.a"'))
    assert err.line == 2 and "getallen met punten" in err.message
    path = tmp_path / "f.yaml"
    path.write_text(GOOD.replace('version: "1"', "version: 2026.10"), encoding="utf-8")
    assert load_form(path).version == "2026.10"


def test_a_list_as_key_and_a_duplicate_version_are_reported_not_crashed(tmp_path):
    assert (
        "moet een woord zijn"
        in refused(tmp_path, GOOD.replace("title: Test", "? [x, y]\n: 1\ntitle: Test")).message
    )
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "kapot.yaml").unlink()
    forms, errors = available_forms(tmp_path)
    assert len(forms) == 1 and "staat ook in a.yaml" in errors[0].message


def test_a_comment_does_not_change_the_snapshot(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text(GOOD, encoding="utf-8")
    two = tmp_path / "two.yaml"
    two.write_text("# een opmerking\n\n" + GOOD, encoding="utf-8")
    assert to_dict(load_form(one)) == to_dict(load_form(two))
