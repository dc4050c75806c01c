"""How a caseload search text is read, and when one search can refine another."""

from __future__ import annotations

import pytest

from wmo_desk.domain.caseload import SearchRows, SearchTerms


def test_a_text_is_read_as_bsn_digits_postcode_or_name_words():
    assert SearchTerms.parse("  ") is None
    assert SearchTerms.parse("0019") == SearchTerms(bsn_part="0019")
    assert SearchTerms.parse("5341") == SearchTerms(bsn_part="5341", postcode_prefix="5341")
    assert SearchTerms.parse("5341 ab") == SearchTerms(
        postcode_prefix="5341AB", words=("5341", "ab")
    )
    assert SearchTerms.parse("12 34") == SearchTerms(bsn_part="1234")
    assert SearchTerms.parse(" De VRIES ") == SearchTerms(words=("de", "vries"))


@pytest.mark.parametrize(
    ("longer", "shorter", "narrows"),
    [
        ("ja", "j", True),
        ("jans", "jan", True),
        ("jan d", "jan", True),
        ("jan de", "de jan", True),
        ("jan", "jans", False),
        ("001", "00", True),
        ("534", "53", True),
        ("5341", "534", False),  # the postcode option has nothing to narrow
        ("5341 a", "5341", False),  # neither do the name words
        ("5341 ab", "5341 a", True),
        ("00 1", "00", True),
        ("0019", "jan", False),
    ],
)
def test_a_longer_text_narrows_the_earlier_search_only_when_it_must(longer, shorter, narrows):
    assert SearchTerms.parse(longer).narrows(SearchTerms.parse(shorter)) is narrows


def test_selecting_in_memory_compares_ascii_letters_case_insensitively_only():
    rows = SearchRows.of(
        ["a", "b", "c", "d"],
        {
            "a": ("jansen j.", "999990019", "5341ab"),
            "b": ("öztürk", "123456782", "1234xy"),
            "c": ("ÖZTÜRK", "900000017", "5341kl"),
        },
    )
    ids = rows.ids
    for text, expected in [
        ("JAN", ["a"]),
        ("öz", ["b"]),
        ("ÖZ", ["b"]),  # a search text is lowered in full, a stored one is not
        ("0019", ["a"]),
        ("5341", ["a", "c"]),
        ("5341 A", ["a"]),
        ("xyz", []),
    ]:
        assert [ids[i] for i in SearchTerms.parse(text).select(rows)] == expected, text
