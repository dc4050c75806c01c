"""The ZRM chart of a case: a point per assessment per domain, and the notes of an old one."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt

from wmo_desk.domain.zrm import ZRM_DOMAINS, ZrmScore
from wmo_desk.ui.main_window import MainWindow

DATES = (date(2026, 3, 2), date(2026, 6, 15), date(2026, 11, 2))


def zrm_tab_with_three_assessments(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    case_id = window.caseload.model.summary(0).case_id
    for k, day in enumerate(DATES):
        ctx.assessment.add_zrm(
            case_id,
            day,
            tuple(
                ZrmScore(domain, 1 + (i + k) % 5, f"{domain}: toelichting van {day:%d-%m}")
                for i, domain in enumerate(ZRM_DOMAINS)
            ),
        )
    view = window.open_case(case_id)
    view.sections.setCurrentIndex(2)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    return view.zrm


def test_a_point_per_assessment_per_domain_at_its_level(qtbot, demo_ctx):
    zrm = zrm_tab_with_three_assessments(qtbot, demo_ctx)
    chart = zrm.chart
    assert chart.columns() == 3
    points = chart.points()
    assert len(points) == 3 * len(ZRM_DOMAINS)
    by_key = {(domain, index): (level, p) for domain, index, level, p in points}
    for i, domain in enumerate(ZRM_DOMAINS):
        xs = [by_key[(domain, k)][1].x() for k in range(3)]
        assert xs == sorted(xs) and len(set(xs)) == 3  # oldest left
        for k in range(3):
            level, point = by_key[(domain, k)]
            assert level == 1 + (i + k) % 5
            assert chart.rect().contains(point.toPoint())
    # a higher level is drawn higher within the domain's row
    level_1 = next(p for d, _i, lv, p in points if d == "Financiën" and lv == 1)
    level_2 = next(p for d, _i, lv, p in points if d == "Financiën" and lv == 2)
    assert level_2.y() < level_1.y()
    assert chart.change_text("Financiën") == "+2"
    assert "Financiën: 1 → 2 → 3" in chart.accessibleDescription()
    assert chart.accessibleName() == "Verloop van de ZRM per domein"


def test_choosing_an_old_assessment_shows_its_notes(qtbot, demo_ctx):
    zrm = zrm_tab_with_three_assessments(qtbot, demo_ctx)
    notes = zrm.old_notes
    assert "toelichting van 02-11" in notes.toPlainText()  # the latest first
    zrm.chart.setFocus()
    qtbot.keyClick(zrm.chart, Qt.Key.Key_Left)
    assert zrm.chosen.currentText() == "15 juni 2026"
    assert "Financiën: toelichting van 15-06" in notes.toPlainText()
    assert "toelichting van 02-11" not in notes.toPlainText()
    qtbot.keyClick(zrm.chart, Qt.Key.Key_Home)
    assert "Werk & opleiding: toelichting van 02-03" in notes.toPlainText()
    assert "2 – niet zelfredzaam" in notes.toPlainText()
    # by mouse, on the column of the middle assessment
    x = int(zrm.chart.column_x(1))
    qtbot.mouseClick(zrm.chart, Qt.MouseButton.LeftButton, pos=QPoint(x, 40))
    assert "toelichting van 15-06" in notes.toPlainText()
    # and from the list of assessments
    zrm.chosen.setCurrentIndex(0)
    assert zrm.chart.current == 0
    assert "toelichting van 02-03" in notes.toPlainText()


def test_without_assessments_the_chart_says_so(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    view = window.open_case(window.caseload.model.summary(0).case_id)
    assert view.zrm.chart.columns() == 0
    assert view.zrm.chart.points() == []
    assert "Nog geen ZRM afgenomen" in view.zrm.old_notes.toPlainText()
