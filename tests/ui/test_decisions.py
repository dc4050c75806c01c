"""Besluit tab (consultant) and Goedkeuren tab (team lead), driven like users."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from tests.ui.conftest import queue_read
from tests.ui.test_confirmations import press
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionStatus
from wmo_desk.domain.users import Role
from wmo_desk.ui.main_window import MainWindow


def as_role(ctx, role: Role) -> None:
    user = next(u for u in ctx.profiles.users() if u.role is role)
    ctx.activate(replace(ctx.profile, user=user))


def test_consultant_proposes_team_lead_returns_then_approves(qtbot, demo_ctx, answer_modal):
    ctx = demo_ctx
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[0].case_id
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    ctx.suggestions.choose(case_id, "dagbesteding", "", ranked[0], "")

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.approvals is None  # consultants have no approval tab
    panel = window.open_case(case_id).decision
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert (
        "motivation" in panel.rows.visible_errors() or "provisions" in panel.rows.visible_errors()
    )
    panel.motivation.setPlainText(
        "Uit het onderzoek blijkt dat dagbesteding nodig is voor structuur."
    )
    panel.product.setCurrentIndex(panel.product.findData(ranked[0].provider.product_codes[0]))
    qtbot.keyClicks(panel.result, "Drie dagdelen per week een zinvolle dag")
    panel.volume.setText("3")
    panel.unit.setCurrentIndex(panel.unit.findData("16"))
    panel.frequency.setCurrentIndex(panel.frequency.findData("2"))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.table.model().rowCount() == 1
    assert panel.table.model().index(0, 2).data() == "3 dagdeel (4 uur) per week"
    answer_modal(press("Indienen ter goedkeuring"))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert "Ingediend" in panel.status.text()
    assert not panel.editor.isEnabled()

    as_role(ctx, Role.TEAMLEIDER)
    lead = MainWindow(ctx)
    qtbot.addWidget(lead)
    queue = queue_read(qtbot, lead.approvals)
    assert queue.table.model().rowCount() == 1
    assert "dagbesteding" in queue.detail.text()
    queue.send_back("Onderbouw waarom drie dagdelen")
    assert queue.table.model().rowCount() == 0

    as_role(ctx, Role.CONSULENT)
    panel.refresh()
    assert "Teruggestuurd" in panel.status.text() and panel.editor.isEnabled()
    answer_modal(press("Indienen ter goedkeuring"))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)

    as_role(ctx, Role.TEAMLEIDER)
    queue.refresh()
    queue_read(qtbot, queue)
    client = queue.table.model().index(0, 0).data()
    answer_modal(press("Besluit goedkeuren"))
    qtbot.mouseClick(queue.approve_button, Qt.MouseButton.LeftButton)
    assert queue.busy.text() == f"Besluit van {client} wordt goedgekeurd…"
    assert not queue.approve_button.isEnabled()
    with qtbot.waitSignal(queue.decided, timeout=30_000):
        pass
    assert queue.busy.text() == "" and queue.table.model().rowCount() == 0
    [final] = [d for d in ctx.decisions.for_case(case_id) if d.status is DecisionStatus.DEFINITIEF]
    assert final.kenmerk.startswith("WMO-0828-")
    panel.refresh()
    assert "Definitief" in panel.status.text() and final.kenmerk in panel.status.text()
    assert not panel.editor.isEnabled()

    # the documents were rendered once, on approval: the letter and the toewijzing (PDF + WMO301)
    import io

    import xmlschema
    from pypdf import PdfReader

    from tests.conftest import iwmo_dir

    documents = {kind: content for kind, _name, content in ctx.decisions.documents(final.id)}
    letter = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(documents["beschikking"])).pages
        ).split()
    )
    assert final.kenmerk in letter and "namens het college van burgemeester en wethouders" in letter
    assert "Drie dagdelen per week een zinvolle dag" in letter and "pagina 1 van" in letter
    [xml_kind] = [k for k in documents if k.startswith("wmo301-")]
    schema = xmlschema.XMLSchema(str(iwmo_dir() / "WMO301.xsd"))
    schema.validate(documents[xml_kind].decode("utf-8"))
    assert (
        b"<ns1:Afzender>0828</ns1:Afzender>" in documents[xml_kind]
        or b"0828" in documents[xml_kind]
    )


def test_demo_user_menu_switches_to_the_team_lead(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    assert window.user_menu.title() == "&Gebruiker"
    texts = [a.text() for a in window.user_menu.actions() if not a.isSeparator()]
    assert texts == ["&Mijn gegevens…", "Werken als Ruud Verhoeven (Teamleider, demo)"]
    action = next(a for a in window.user_menu.actions() if a.text().startswith("Werken als"))
    with qtbot.waitSignal(window.switch_user) as blocker:
        action.trigger()
    lead = next(u for u in demo_ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    assert blocker.args == [lead.id]


def test_changes_after_issue_follow_the_iwmo_rules(qtbot, demo_ctx):
    """Extend the end date: a new version of the same number; change provider: 09 and a new number."""
    from datetime import date

    from wmo_desk.domain.decisions import DeliveryForm, Provision

    ctx = demo_ctx
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[1].case_id
    catalogue = ctx.catalogues.current()
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    product = next(
        c
        for c in ranked[0].provider.product_codes
        if catalogue.product(c).care_form == "dagbesteding"
    )
    as_role(ctx, Role.CONSULENT)
    d = ctx.decisions.propose(
        case_id,
        ctx.decisions.for_case(case_id)[0].outcome
        if ctx.decisions.for_case(case_id)
        else __import__(
            "wmo_desk.domain.decisions", fromlist=["DecisionOutcome"]
        ).DecisionOutcome.TOEGEKEND,
        "Zie verslag.",
    )
    p = Provision(
        decision_id=d.id,
        product_code=product,
        result="Structuur",
        start=date(2026, 12, 1),
        end=date(2027, 5, 31),
        delivery_form=DeliveryForm.NATURA,
        volume=2,
        unit="16",
        frequency="2",
        provider_id=ranked[0].provider.id,
    )
    d = ctx.decisions.submit(ctx.decisions.save(d, provisions=(p,)))
    as_role(ctx, Role.TEAMLEIDER)
    final = ctx.decisions.approve(d)
    [first] = ctx.decisions.allocations(final.id)
    longer = ctx.decisions.change_period_or_volume(final, first, date(2027, 11, 30), 2)
    assert (longer.number, longer.version, longer.change_reason) == (first.number, 2, "04")
    other = ranked[1].provider
    ended, successor = ctx.decisions.change_provider(final, longer, other.id, date(2027, 3, 1))
    assert ended.change_reason == "09" and ended.end == date(2027, 2, 28)
    assert successor.number == first.number + 1 and successor.provider_id == other.id
    current = {a.number: a for a in ctx.decisions.allocations(final.id)}
    assert current[first.number].version == 3 and current[successor.number].version == 1
    kinds = {k for k, _n, _c in ctx.decisions.documents(final.id)}
    assert {
        f"toewijzing-{first.number}-v2",
        f"wmo301-{first.number}-v3",
        f"toewijzing-{successor.number}-v1",
    } <= kinds


def test_extend_an_issued_toewijzing_from_the_besluit_tab(qtbot, demo_ctx):
    from datetime import date

    from PySide6.QtCore import QDate

    from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision

    ctx = demo_ctx
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[2].case_id
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    catalogue = ctx.catalogues.current()
    product = next(
        c
        for c in ranked[0].provider.product_codes
        if catalogue.product(c).care_form == "dagbesteding"
    )
    as_role(ctx, Role.CONSULENT)
    d = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    p = Provision(
        decision_id=d.id,
        product_code=product,
        result="Structuur",
        start=date(2026, 12, 1),
        end=date(2027, 5, 31),
        delivery_form=DeliveryForm.NATURA,
        volume=2,
        unit="16",
        frequency="2",
        provider_id=ranked[0].provider.id,
    )
    d = ctx.decisions.submit(ctx.decisions.save(d, provisions=(p,)))
    as_role(ctx, Role.TEAMLEIDER)
    ctx.decisions.approve(d)

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    panel = window.open_case(case_id).decision
    assert panel.issued.isVisibleTo(panel)
    assert "(versie 1)" in panel.allocations_label.text()

    def extend(dialog):
        dialog.end.setDate(QDate(2027, 11, 30))
        dialog._ok()
        return dialog.result()

    task = panel.change_period(answer=extend)
    assert not panel.period_button.isEnabled()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert "(versie 2)" in panel.allocations_label.text()
    assert "30 november 2027" in panel.allocations_label.text()
    assert "reden 04 Herbeoordeling: verlenging" in panel.allocations_label.text()
