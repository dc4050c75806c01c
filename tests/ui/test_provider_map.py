"""The providers' map: the region's places as background, a label per provider, none overlapping."""

from __future__ import annotations

from itertools import combinations

from PySide6.QtGui import QColor

from wmo_desk.ui.main_window import MainWindow


def shown_map(qtbot, ctx, width=520, height=480):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    view = window.open_case(window.caseload.model.summary(0).case_id)
    panel = view.providers
    panel.care_form.setCurrentIndex(panel.care_form.findData("dagbesteding"))
    provider_map = panel.map
    provider_map.setParent(None)
    qtbot.addWidget(provider_map)
    provider_map.resize(width, height)
    provider_map.show()
    qtbot.waitExposed(provider_map)
    return panel, provider_map


def test_a_label_per_provider_and_none_overlap(qtbot, demo_ctx):
    panel, provider_map = shown_map(qtbot, demo_ctx)
    labels = provider_map.label_rects()
    assert len(labels) == len(panel.result.ranked) > 20
    inside = provider_map.rect()
    for rect in labels.values():
        assert inside.contains(rect.toAlignedRect())
    for (a, ra), (b, rb) in combinations(labels.items(), 2):
        assert not ra.intersects(rb), (a, b)
    # the nearest provider's label is next to its dot (the home marker beside it stays clear),
    # and a click on a label picks that provider
    first = provider_map.position(panel.result.ranked[0])
    centre = labels[0].center()
    assert abs(centre.x() - first.x()) + abs(centre.y() - first.y()) < 40
    assert provider_map.row_at(labels[5].center()) == 5


def test_the_background_shows_the_places_around_the_home(qtbot, demo_ctx):
    _panel, provider_map = shown_map(qtbot, demo_ctx)
    areas = provider_map.visible_areas()
    places = {area.place for area, _p in areas}
    assert "Oss" in places and len(areas) > 50
    assert {"Oss", "Bernheze"} & {area.municipality for area, _p in areas}
    image = provider_map.grab().toImage()
    # the background is drawn: the pixels of PC4 areas are not the plain paper colour
    paper = QColor("#f4f1ea")
    coloured = sum(
        1
        for _area, p in areas[:200]
        if 0 <= p.x() < image.width()
        and 0 <= p.y() < image.height()
        and image.pixelColor(p.toPoint()) != paper
    )
    assert coloured > 0.8 * min(200, len(areas))
    # the home is in the middle and the legend names it
    assert provider_map.extent_km() in (5, 10, 25)


def test_zooming_in_with_the_keyboard_spreads_the_labels(qtbot, demo_ctx):
    from PySide6.QtCore import Qt

    panel, provider_map = shown_map(qtbot, demo_ctx)
    before = provider_map.position(panel.result.ranked[3])
    provider_map.setFocus()
    qtbot.keyClick(provider_map, Qt.Key.Key_Plus)
    assert provider_map.zoom > 1
    after = provider_map.position(panel.result.ranked[3])
    centre = provider_map.rect().center()
    assert abs(after.x() - centre.x()) >= abs(before.x() - centre.x())
    labels = provider_map.label_rects()
    assert len(labels) == len(panel.result.ranked)
    for ra, rb in combinations(labels.values(), 2):
        assert not ra.intersects(rb)
