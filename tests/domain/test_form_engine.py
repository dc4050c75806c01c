"""Form rules: conditions (chained, multiple choice), required answers, progress, snapshots."""

from wmo_desk.domain.forms import (
    Condition,
    FormDefinition,
    Question,
    QuestionType,
    Section,
    from_dict,
    missing_required,
    progress,
    section_complete,
    to_dict,
    validate_answer,
    visible_questions,
    visible_sections,
)

YES_NO = QuestionType.YES_NO


def small_form() -> FormDefinition:
    mantelzorg = Section(
        "netwerk",
        "Netwerk",
        (
            Question("mz", "Is er een mantelzorger?", YES_NO, required=True),
            Question(
                "belasting",
                "Hoe zwaar?",
                QuestionType.SINGLE_CHOICE,
                required=True,
                options=(("licht", "Licht"), ("zwaar", "Zwaar")),
                condition=Condition("mz", equals=True),
            ),
            Question(
                "steun",
                "Welke steun?",
                QuestionType.LONG_TEXT,
                required=True,
                condition=Condition("belasting", equals="zwaar"),
            ),
        ),
    )
    voorzieningen = Section(
        "voorzieningen",
        "Voorzieningen",
        (
            Question(
                "welke",
                "Welke?",
                QuestionType.MULTIPLE_CHOICE,
                options=(("maaltijd", "Maaltijd"), ("vervoer", "Vervoer")),
            ),
            Question(
                "uitleg",
                "Uitleg",
                QuestionType.LONG_TEXT,
                condition=Condition("welke", equals="vervoer"),
            ),
            Question("aantal", "Aantal", QuestionType.NUMBER, min=0, max=7),
        ),
    )
    wlz = Section(
        "wlz",
        "Wlz",
        (Question("wlz", "Wlz-indicatie?", YES_NO, required=True),),
        condition=Condition("welke", is_answered=True),
    )
    return FormDefinition("test", "1", "Test", (mantelzorg, voorzieningen, wlz))


def test_conditions_show_and_chain():
    form = small_form()
    net = form.sections[0]
    assert [q.id for q in visible_questions(net, {}, form)] == ["mz"]
    assert [q.id for q in visible_questions(net, {"mz": True, "belasting": "zwaar"}, form)] == [
        "mz",
        "belasting",
        "steun",
    ]
    # 'steun' depends on 'belasting', which is hidden again when there is no mantelzorger
    assert [q.id for q in visible_questions(net, {"mz": False, "belasting": "zwaar"}, form)] == [
        "mz"
    ]


def test_multiple_choice_equals_means_contains_and_sections_can_hide():
    form = small_form()
    vz = form.sections[1]
    assert "uitleg" in [
        q.id for q in visible_questions(vz, {"welke": ["maaltijd", "vervoer"]}, form)
    ]
    assert "uitleg" not in [q.id for q in visible_questions(vz, {"welke": ["maaltijd"]}, form)]
    assert [s.id for s in visible_sections(form, {})] == ["netwerk", "voorzieningen"]
    assert [s.id for s in visible_sections(form, {"welke": ["maaltijd"]})] == [
        "netwerk",
        "voorzieningen",
        "wlz",
    ]


def test_required_missing_progress_and_false_is_an_answer():
    form = small_form()
    assert [q.id for q in missing_required(form, {})] == ["mz"]
    assert missing_required(form, {"mz": False}) == []
    assert [
        q.id for q in missing_required(form, {"mz": True, "belasting": "zwaar", "steun": "  "})
    ] == ["steun"]
    # shown: mz, welke, aantal (uitleg and the Wlz section wait for an answer to welke)
    assert progress(form, {"mz": False}) == (1, 3)
    assert section_complete(form.sections[0], {"mz": False}, form)
    assert not section_complete(form.sections[0], {"mz": True}, form)


def test_validate_answer_in_dutch():
    form = small_form()
    aantal = form.question("aantal")
    assert validate_answer(aantal, 8) == "Het getal mag hoogstens 7 zijn."
    assert validate_answer(aantal, "drie") == "Vul een getal in, bijvoorbeeld 3 of 2,5."
    assert (
        validate_answer(form.question("belasting"), "enorm")
        == "Kies een van de antwoorden uit de lijst."
    )
    assert validate_answer(form.question("mz"), "ja") == "Kies ja of nee."
    assert validate_answer(aantal, 3) is None


def test_snapshot_round_trip_is_equal():
    form = small_form()
    again = from_dict(to_dict(form))
    assert again == form
    assert missing_required(again, {"mz": True}) == missing_required(form, {"mz": True})
