"""Text fit to store: what is refused, said in Dutch, and where in a record it is."""

from __future__ import annotations

import pytest

from wmo_desk.domain.text import MAX_DEPTH, json_text_problem, text_problem, unencodable_problem


@pytest.mark.parametrize(
    "value",
    ["", "Jansen", "regel 1\r\n\tregel 2", "Ünal Özdemir", "مرحبا", "😀 \u200d", "\ufeff\u2028"],
)
def test_ordinary_text_is_fine(value):
    assert text_problem(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b", "De tekst bevat een onzichtbaar stuurteken (U+0000)."),
        ("\x1b[31m", "De tekst bevat een onzichtbaar stuurteken (U+001B)."),
        ("\x7f", "De tekst bevat een onzichtbaar stuurteken (U+007F)."),
        ("\x85", "De tekst bevat een onzichtbaar stuurteken (U+0085)."),
        ("\u202eneslaJ", "De tekst bevat een teken dat de leesrichting omdraait (U+202E)."),
        ("\u2066x\u2069", "De tekst bevat een teken dat de leesrichting omdraait (U+2066)."),
        ("\ud800", "De tekst bevat een ongeldig teken (U+D800, een losse surrogaat)."),
        ("x\udfff", "De tekst bevat een ongeldig teken (U+DFFF, een losse surrogaat)."),
    ],
)
def test_unfit_text_is_named_by_its_code_point(value, message):
    assert text_problem(value) == message


def test_the_message_never_repeats_the_text():
    assert "123456782" not in text_problem("BSN 123456782\x00")
    assert text_problem("\x00", "De gebruikersnaam").startswith("De gebruikersnaam bevat")


def test_a_record_is_fine_when_all_its_texts_are():
    record = {"naam": "Jansen", "regels": [1, 2.5, True, None, {"tekst": "ok\n"}], "leeg": {}}
    assert json_text_problem(record) is None


def test_the_first_unfit_text_is_found_with_its_place():
    record = {"naam": "Jansen", "notities": [{"tekst": "ok"}, {"tekst": "x\x00"}], "z": "\x01"}
    problem = json_text_problem(record)
    assert problem.where == "notities[1].tekst"
    assert problem.message == "De tekst bevat een onzichtbaar stuurteken (U+0000)."


def test_an_unfit_key_is_found_and_shown_without_its_bad_character():
    problem = json_text_problem({"goed": {"na\u202eam": 1}})
    assert problem.where == "goed.na?am"
    assert problem.message.startswith("De veldnaam bevat een teken dat de leesrichting")


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_number_json_cannot_hold_is_refused(number):
    assert json_text_problem({"bedrag": [number]}).where == "bedrag[0]"


def test_nesting_deeper_than_the_limit_is_refused_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    problem = json_text_problem({"a": deep})
    assert "te diep genest" in problem.message
    assert len(problem.where) <= 80
    fits: list = []
    for _ in range(MAX_DEPTH - 1):
        fits = [fits]
    assert json_text_problem(fits) is None


def test_a_plain_string_is_checked_as_a_whole():
    assert json_text_problem("\x00").where == "(geheel)"


def test_the_storable_minimum_is_only_the_lone_surrogate():
    assert unencodable_problem("Jansen\x00\u202e\x1b") is None
    assert "U+D83D" in unencodable_problem("\ud83d")
    record = {"tekst": "\x00", "lijst": ["\udc00"]}
    problem = json_text_problem(record, check=unencodable_problem)
    assert problem.where == "lijst[0]" and "losse surrogaat" in problem.message
