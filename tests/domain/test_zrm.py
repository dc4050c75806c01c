"""ZRM: the 13 domains, labels, history and change."""

from datetime import date

import pytest

from wmo_desk.domain.zrm import (
    ZRM_DOMAINS,
    ZrmAssessment,
    ZrmScore,
    change,
    check_scores,
    history,
    level_text,
)


def assessment(day: date, **levels) -> ZrmAssessment:
    scores = tuple(ZrmScore(d, levels.get(d.split()[0].lower())) for d in ZRM_DOMAINS)
    return ZrmAssessment(case_id="c1", assessed_on=day, scores=scores, assessor_id="u1")


def test_thirteen_domains_and_labels():
    assert len(ZRM_DOMAINS) == 13
    assert level_text(3) == "3 – beperkt zelfredzaam"
    assert level_text(None) == "n.v.t./onbekend"


def test_every_domain_once():
    with pytest.raises(ValueError):
        check_scores((ZrmScore("Financiën", 3),))
    with pytest.raises(ValueError):
        check_scores(tuple(ZrmScore(d, 7) for d in ZRM_DOMAINS))
    check_scores(tuple(ZrmScore(d, None) for d in ZRM_DOMAINS))


def test_history_is_per_domain_oldest_first_and_change_is_signed():
    later = assessment(date(2026, 9, 1), financiën=4)
    first = assessment(date(2026, 3, 1), financiën=2)
    data = history([later, first])
    assert data["Financiën"] == [(date(2026, 3, 1), 2), (date(2026, 9, 1), 4)]
    assert data["Justitie"] == [(date(2026, 3, 1), None), (date(2026, 9, 1), None)]
    assert change(first, later, "Financiën") == 2
    assert change(first, later, "Justitie") is None
    assert change(None, later, "Financiën") is None
