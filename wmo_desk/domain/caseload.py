"""The caseload read model: one light row per case for the Mijn dossiers table."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind


class SortKey(StrEnum):
    """Columns the caseload can be sorted on."""

    NAME = "name"
    BSN = "bsn"
    STAGE = "stage"
    DEADLINE = "deadline"
    CONSULTANT = "consultant"
    MELDING = "melding"


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the caseload shows of one case."""

    case_id: str
    client_name: str
    bsn: str
    postcode: str
    stage: Stage
    on_hold: bool
    deadline: date | None
    deadline_kind: DeadlineKind | None
    consultant_name: str
    melding_date: date


@dataclass(frozen=True)
class CaseloadFilter:
    """Which cases to show: a consultant's own (or all of the municipality), search text, stage."""

    municipality_code: str
    consultant_id: str | None = None
    text: str = ""
    stage: Stage | None = None
    include_closed: bool = False
    sort: SortKey = SortKey.DEADLINE
    descending: bool = False


#: a postcode as typed: four digits (no leading zero), maybe a space, up to two letters
_POSTCODE_QUERY = re.compile(r"^([1-9][0-9]{3})\s?([a-zA-Z]{0,2})$")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def like_fold(text: str) -> str:
    """``text`` as SQLite's LIKE compares it: ASCII letters in lower case, all else as is."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True, slots=True)
class SearchRows:
    """The search fields of an ordered list of cases, one column each, folded by
    :func:`like_fold` (a case whose client is gone has empty fields: it matches nothing).

    Attributes:
        ids: the case ids, in the list's order.
        names: each client's ``search_text`` (the name words).
        bsns: each client's BSN.
        postcodes: each client's postcode.
    """

    ids: list[str]
    names: list[str]
    bsns: list[str]
    postcodes: list[str]

    @classmethod
    def of(cls, ids: list[str], fields: Mapping[str, tuple[str, str, str]]) -> SearchRows:
        """The rows of ``ids`` from ``fields``: the folded name text, BSN and postcode of each
        case's client by case id."""
        gone = ("", "", "")
        found = [fields.get(i, gone) for i in ids]
        return cls(list(ids), [f[0] for f in found], [f[1] for f in found], [f[2] for f in found])


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """What a caseload search text asks for; a case matches when any option holds.

    The one reading of a search text: the storage layer turns it into SQL (LIKE conditions,
    which compare ASCII letters case-insensitively), :meth:`select` applies it to rows in
    memory with the same semantics.

    Attributes:
        bsn_part: digits (the text without spaces) the BSN contains.
        postcode_prefix: what the postcode starts with (letters in upper case).
        words: lower-case words the name text contains, every one of them (None for digits).
    """

    bsn_part: str | None = None
    postcode_prefix: str | None = None
    words: tuple[str, ...] | None = None

    @classmethod
    def parse(cls, text: str) -> SearchTerms | None:
        """The terms of ``text``, or None when it asks for nothing (empty or blank)."""
        text = text.strip()
        if not text:
            return None
        compact = text.replace(" ", "")
        digits = compact.isdigit()
        match = _POSTCODE_QUERY.match(text)
        return cls(
            bsn_part=compact if digits else None,
            postcode_prefix=f"{match.group(1)}{match.group(2).upper()}" if match else None,
            words=None if digits else tuple(w for w in text.lower().split() if w),
        )

    def narrows(self, other: SearchTerms) -> bool:
        """Whether every case these terms find is one ``other`` finds too (typing on at the
        end of a text mostly gives such terms): each option implies one of ``other``'s."""
        folded = [like_fold(w) for w in other.words] if other.words is not None else None
        for option, value in (
            ("bsn", self.bsn_part),
            ("postcode", self.postcode_prefix),
            ("words", self.words),
        ):
            if value is None:
                continue
            if option == "bsn":
                implied = other.bsn_part is not None and other.bsn_part in value
            elif option == "postcode":
                implied = other.postcode_prefix is not None and value.startswith(
                    other.postcode_prefix
                )
            else:
                mine = [like_fold(w) for w in value]
                implied = folded is not None and all(any(v in w for w in mine) for v in folded)
            if not implied:
                return False
        return True

    def select(self, rows: SearchRows, within: list[int] | None = None) -> list[int]:
        """The positions in ``rows`` that match, in order; only among ``within`` (ascending
        positions, e.g. what terms this one :meth:`narrows` found) when given."""
        positions: Iterable[int] = range(len(rows.ids)) if within is None else within
        options: list[list[int]] = []
        if self.bsn_part is not None:
            part, bsns = like_fold(self.bsn_part), rows.bsns
            options.append([i for i in positions if part in bsns[i]])
        if self.postcode_prefix is not None:
            prefix, postcodes = like_fold(self.postcode_prefix), rows.postcodes
            options.append([i for i in positions if postcodes[i].startswith(prefix)])
        if self.words is not None:
            names = rows.names
            # the longest word first: it leaves the fewest rows for the others
            words = sorted({like_fold(w) for w in self.words}, key=len, reverse=True)
            found = [i for i in positions if words[0] in names[i]]
            for word in words[1:]:
                found = [i for i in found if word in names[i]]
            options.append(found)
        if len(options) == 1:
            return options[0]
        return sorted(set().union(*options))
