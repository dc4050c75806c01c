"""The Besluit tab: propose a decision with its provisions, submit it; see the final kenmerk and documents."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain import allocation_rules
from wmo_desk.domain.codes import CHANGE_REASONS, omvang_text
from wmo_desk.domain.decisions import (
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import FieldErrors, UserError
from wmo_desk.services.context import AppContext
from wmo_desk.ui.allocation_dialogs import PeriodDialog, ProviderDialog
from wmo_desk.ui.confirm import confirm, feedback_label, tell_done
from wmo_desk.ui.decision_documents_box import DecisionDocumentsBox
from wmo_desk.ui.display import long_date, money, parse_money, weekday_date
from wmo_desk.ui.document_actions import system_opener
from wmo_desk.ui.fields import ErrorRows, OmvangFields, date_edit, date_value, set_date
from wmo_desk.ui.table_model import RowsModel
from wmo_desk.ui.tasks import BusyBar, Task, run_task

OUTCOME_LABELS = {
    DecisionOutcome.TOEGEKEND: "Toegekend",
    DecisionOutcome.DEELS_TOEGEKEND: "Gedeeltelijk toegekend",
    DecisionOutcome.AFGEWEZEN: "Afgewezen",
}
STATUS_LABELS = {
    DecisionStatus.CONCEPT: "Concept",
    DecisionStatus.INGEDIEND: "Ingediend ter goedkeuring",
    DecisionStatus.TERUGGESTUURD: "Teruggestuurd door de teamleider",
    DecisionStatus.DEFINITIEF: "Definitief",
}


class ProvisionsModel(RowsModel):
    """The provisions of a decision."""

    headers = ("Product", "Resultaat", "Omvang", "Van", "Tot", "Leveringsvorm")

    def __init__(
        self, provisions: tuple[Provision, ...], names: dict[str, str], parent=None
    ) -> None:
        super().__init__(provisions, parent)
        self._names = names

    def text(self, p, column: int) -> str:
        size = omvang_text(p.volume, p.unit, p.frequency)
        form = (
            "pgb " + money(p.pgb_cents) if p.delivery_form is DeliveryForm.PGB else "zorg in natura"
        )
        return (
            f"{p.product_code} {self._names.get(p.product_code, '')}",
            p.result,
            size,
            long_date(p.start),
            long_date(p.end),
            form,
        )[column]


def usual_omvang(catalogue) -> tuple[str, str]:
    """The unit and frequency most of the region's products are measured in."""
    counts = Counter(
        (p.unit, p.frequency) for p in catalogue.products if p.unit and not p.municipality_code
    )
    return counts.most_common(1)[0][0] if counts else ("04", "2")


class DecisionPanel(QWidget):
    """Edit the proposal while it is a concept; read-only once submitted or final.

    Changing an issued toewijzing (a new number from the server, new documents) runs as a
    :class:`Task` (``self.task`` while it runs); the dialog checks the input first.

    Signals:
        changed(): the decision was saved, submitted or became final.
    """

    changed = Signal()

    def __init__(
        self, ctx: AppContext, case_id: str, parent: QWidget | None = None, opener=None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        # how a stored document is shown: the system's viewer, or what a test passes in
        self._open = opener or system_opener
        self.task: Task | None = None
        catalogue = ctx.catalogues.current()
        self._names = {p.code: p.name for p in catalogue.products}
        self.decision: Decision | None = None
        self.rows = ErrorRows()
        self.status = QLabel()
        self.status.setObjectName("decision_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.outcome = QComboBox()
        for outcome, label in OUTCOME_LABELS.items():
            self.outcome.addItem(label, outcome.value)
        self.motivation = QPlainTextEdit()
        self.motivation.setTabChangesFocus(True)
        self.motivation.setFixedHeight(90)
        self.table = QTableView()
        self.table.setObjectName("provisions")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(60)
        # a new provision, started from an agreed result
        self._catalogue = catalogue
        self._offered: tuple = ()
        self.from_result = QComboBox()
        self.from_result.setObjectName("provision_from_result")
        self.from_result.setAccessibleName(self.tr("Voorziening voor afgesproken resultaat"))
        self.from_result.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.product = QComboBox()
        for p in catalogue.products:
            own = self.tr(" (gemeente)") if p.municipality_code else ""
            self.product.addItem(f"{p.code} – {p.name}{own}", p.code)
        self.result = QLineEdit()
        self.omvang = OmvangFields()
        self.volume, self.unit, self.frequency = (
            self.omvang.volume,
            self.omvang.unit,
            self.omvang.frequency,
        )
        today = ctx.clock.today()
        self.start = date_edit(today + timedelta(days=7), allow_blank=False)
        self.end = date_edit(today + timedelta(days=372), allow_blank=True)
        self.delivery = QComboBox()
        self.delivery.addItem("Zorg in natura", DeliveryForm.NATURA.value)
        self.delivery.addItem("Persoonsgebonden budget (pgb)", DeliveryForm.PGB.value)
        self.provider = QComboBox()
        self.pgb = QLineEdit()
        self.pgb.setPlaceholderText("bedrag in euro per periode")
        self.add_button = QPushButton(self.tr("Voorziening &toevoegen"))
        self.add_button.clicked.connect(self.add_provision)
        self.save_button = QPushButton(self.tr("Concept &opslaan"))
        self.save_button.clicked.connect(self.save)
        self.submit_button = QPushButton(self.tr("&Indienen ter goedkeuring"))
        self.submit_button.clicked.connect(self.submit)
        self.submit_feedback = feedback_label("submit_feedback")

        top = QFormLayout()
        self.rows.add(top, "outcome", self.tr("Uit&komst"), self.outcome)
        self.rows.add(top, "motivation", self.tr("&Motivering *"), self.motivation)
        self.rows.add(top, "provisions", self.tr("Voorzieningen"), self.table)
        new = QGroupBox(self.tr("Voorziening toevoegen"))
        nf = QFormLayout(new)
        self.rows.add(nf, "from_result", self.tr("Voor resultaat"), self.from_result)
        self.rows.add(nf, "provisions[].product_code", self.tr("&Product"), self.product)
        self.rows.add(nf, "provisions[].result", self.tr("&Resultaat *"), self.result)
        self.rows.add(nf, "provisions[].volume", self.tr("Om&vang"), self.omvang)
        self.rows.add(nf, "provisions[].start", self.tr("Ingangsdatum"), self.start)
        self.rows.add(nf, "provisions[].end", self.tr("Einddatum"), self.end)
        self.rows.add(nf, "provisions[].delivery", self.tr("L&everingsvorm"), self.delivery)
        self.rows.add(nf, "provisions[].provider_id", self.tr("Aanbie&der (natura)"), self.provider)
        self.rows.add(nf, "provisions[].pgb_cents", self.tr("Pgb-bedr&ag"), self.pgb)
        nf.addRow("", self.add_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)
        self.editor = QWidget()
        el = QVBoxLayout(self.editor)
        el.setContentsMargins(0, 0, 0, 0)
        el.addLayout(top)
        el.addWidget(new)
        el.addLayout(buttons)
        # the final documents live in the database: pick one, open, save or print a copy
        self.documents_box = DecisionDocumentsBox(ctx, self._open, self)
        self.allocations_label = QLabel()
        self.allocations_label.setObjectName("allocations")
        self.allocations_label.setWordWrap(True)
        self.allocation = QComboBox()
        self.period_button = QPushButton(self.tr("Einddatum of omvang &wijzigen…"))
        self.provider_button = QPushButton(self.tr("Andere aanbieder…"))
        self.period_button.clicked.connect(lambda: self.change_period())
        self.provider_button.clicked.connect(lambda: self.change_provider())
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        # outside the editor: it stays readable when the editor is disabled after submitting
        layout.addWidget(self.submit_feedback)
        layout.addWidget(self.documents_box)
        self.issued = QGroupBox(self.tr("Toewijzingen"))
        il = QVBoxLayout(self.issued)
        il.addWidget(self.allocations_label)
        change_row = QHBoxLayout()
        change_row.addWidget(self.allocation, 1)
        change_row.addWidget(self.period_button)
        change_row.addWidget(self.provider_button)
        il.addLayout(change_row)
        self.busy = BusyBar()
        self.busy.setObjectName("decision_busy")
        il.addWidget(self.busy)
        layout.addWidget(self.issued)
        layout.addWidget(self.editor, 1)
        self.product.currentIndexChanged.connect(lambda _i: self._product_changed())
        self.from_result.currentIndexChanged.connect(lambda _i: self._result_chosen())
        self._product_changed()
        self.refresh()

    # --- state --------------------------------------------------------------------------

    def refresh(self) -> None:
        decisions = self._ctx.decisions.for_case(self.case_id)
        before = self.decision
        self.decision = decisions[-1] if decisions else None
        if (
            before is not None
            and self.decision is not None
            and before.id == self.decision.id
            and before.status is not DecisionStatus.DEFINITIEF
            and self.decision.status is DecisionStatus.DEFINITIEF
        ):
            tell_done(
                self.submit_feedback,
                self.tr("Besluit goedgekeurd: kenmerk %s.") % self.decision.kenmerk,
            )
        self.provider.clear()
        for choice, _warning in self._ctx.suggestions.choices(self.case_id):
            self.provider.addItem(
                f"{choice.provider_name} ({choice.location_label})", choice.provider_id
            )
        d = self.decision
        editable = d is None or d.status in (DecisionStatus.CONCEPT, DecisionStatus.TERUGGESTUURD)
        if d is None:
            self.status.setText(
                self.tr("Nog geen besluit. Stel het besluit op; een teamleider keurt het goed.")
            )
            conclusion = self._conclusion()
            if conclusion and not self.motivation.toPlainText():
                self.motivation.setPlainText(conclusion)
        else:
            text = f"<b>{STATUS_LABELS[d.status]}</b>"
            if d.status is DecisionStatus.DEFINITIEF:
                text += f" · kenmerk {d.kenmerk} · {long_date(d.decision_date)}"
            self.status.setText(text)
            self.outcome.setCurrentIndex(self.outcome.findData(d.outcome.value))
            self.motivation.setPlainText(d.motivation)
        self.table.setModel(ProvisionsModel(d.provisions if d else (), self._names, self))
        # the result's text takes the room; the other columns are as wide as what they hold
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if editable:
            self._offer_results(d.provisions if d else ())
        self.editor.setEnabled(editable)
        final = d is not None and d.status is DecisionStatus.DEFINITIEF
        self.documents_box.setVisible(final)
        self.issued.setVisible(False)
        if final:
            self._show_documents()
            self._show_allocations()

    def _conclusion(self) -> str:
        """A motivation to start from: the conclusion of the verslag and the agreed results."""
        parts = []
        found = self._ctx.conversation.for_case(self.case_id)
        if found is not None:
            conversation = found[0]
            conclusion = next(
                (
                    str(v)
                    for k, v in conversation.answers.items()
                    if k.startswith("conclusie") and isinstance(v, str)
                ),
                "",
            )
            when = long_date(conversation.verslag_signed_on or conversation.held_on)
            parts.append(
                f"Uit het onderzoek (verslag van {when}) blijkt: {conclusion}" if conclusion else ""
            )
        results = self._ctx.assessment.results(self.case_id)
        if results:
            parts.append(
                "Afgesproken resultaten:\n"
                + "\n".join(
                    f"- {r.description} ("
                    + (f"{omvang_text(r.volume, r.unit, r.frequency)}, " if r.volume else "")
                    + f"tot {long_date(r.term_end)})"
                    for r in results
                )
            )
        return "\n\n".join(p for p in parts if p)

    def _offer_results(self, provisions: tuple[Provision, ...]) -> None:
        """List the agreed results; the first one without a provision yet is where a new one starts."""
        results = self._ctx.assessment.results(self.case_id)
        covered = {p.product_code for p in provisions}
        offered = (tuple((r.id, r.modified_at) for r in results), tuple(sorted(covered)))
        if offered == self._offered:
            return  # what the user typed since stays
        self._offered = offered
        self.from_result.blockSignals(True)
        self.from_result.clear()
        self.from_result.addItem(self.tr("(geen: zelf invullen)"), None)
        for r in results:
            name = self._names.get(r.product_code, "")
            label = f"{r.description[:60]}" + (f" – {name}" if name else "")
            self.from_result.addItem(label, r)
        first = next((i + 1 for i, r in enumerate(results) if r.product_code not in covered), 0)
        self.from_result.setCurrentIndex(first)
        self.from_result.blockSignals(False)
        self._result_chosen()

    def _result_chosen(self) -> None:
        """Start the new provision from the chosen result: its product, what it must achieve, its term."""
        result = self.from_result.currentData()
        if result is None:
            return
        index = self.product.findData(result.product_code)
        if index >= 0:
            self.product.setCurrentIndex(index)
            self._product_changed()
        self.result.setText(" ".join(result.description.split()))
        if result.volume is not None:  # the omvang agreed at the kitchen table
            self.omvang.set_value(result.volume, result.unit, result.frequency)
        if result.term_end is not None:
            set_date(self.end, result.term_end)

    def _product_changed(self) -> None:
        """The omvang's unit and frequency follow the product (else what the region mostly uses)."""
        product = self._catalogue.product(self.product.currentData() or "")
        unit, frequency = usual_omvang(self._catalogue)
        if product is not None and product.unit:
            unit, frequency = product.unit, product.frequency or frequency
        self.omvang.set_unit(unit, frequency)
        # an output product is bought per piece (one per month, one scootmobiel)
        if unit == "82" and not self.volume.text().strip():
            self.volume.setText("1")

    def _current(self) -> Decision:
        outcome = DecisionOutcome(self.outcome.currentData())
        if self.decision is None:
            self.decision = self._ctx.decisions.propose(
                self.case_id, outcome, self.motivation.toPlainText()
            )
        return self.decision

    # --- actions ------------------------------------------------------------------------

    def _show_allocations(self) -> None:
        assert self.decision is not None
        providers = {p.id: p.name for p in self._ctx.catalogues.current().providers}
        allocations = self._ctx.decisions.allocations(self.decision.id)
        self.allocation.clear()
        lines = []
        for a in allocations:
            label = (
                f"Toewijzing {a.number} (versie {a.version}): {providers.get(a.provider_id, a.provider_id)}, "
                f"{long_date(a.start)} – {long_date(a.end) if a.end else 'geen einddatum'}"
            )
            if a.change_reason:
                label += f", reden {a.change_reason} {CHANGE_REASONS.get(a.change_reason, '')}"
            lines.append(label)
            if a.end is None or a.end >= self._ctx.clock.today():
                self.allocation.addItem(f"Toewijzing {a.number}", a.number)
        self.allocations_label.setText("\n".join(lines))
        self.issued.setVisible(bool(allocations))
        self.period_button.setEnabled(self.allocation.count() > 0 and self.task is None)
        self.provider_button.setEnabled(self.allocation.count() > 0 and self.task is None)

    def _selected_allocation(self):
        number = self.allocation.currentData()
        return next(
            (a for a in self._ctx.decisions.allocations(self.decision.id) if a.number == number),
            None,
        )

    def change_period(self, answer=None) -> Task | None:
        """Ask the new end date or volume, then store the new version in the background."""
        current = self._selected_allocation()
        if current is None or self.task is not None:
            return None
        dialog = PeriodDialog(current, self)
        chosen: list[tuple] = []

        def check() -> None:
            end, volume = dialog.values()
            allocation_rules.change_period_or_volume(current, end, volume)  # refusals stay here
            chosen.append((end, volume))

        dialog.action = check
        if not (answer(dialog) if answer else dialog.exec()):
            return None
        decision, (end, volume) = self.decision, chosen[-1]
        return self._change(
            self.tr("Toewijzing %d wordt gewijzigd…") % current.number,
            lambda: self._ctx.decisions.change_period_or_volume(decision, current, end, volume),
        )

    def change_provider(self, answer=None) -> Task | None:
        """Ask the new provider, then end the toewijzing and get a new number in the background."""
        current = self._selected_allocation()
        if current is None or self.task is not None:
            return None
        catalogue = self._ctx.catalogues.current()
        options = [
            (p.id, p.name) for p in catalogue.providers if current.product_code in p.product_codes
        ]
        dialog = ProviderDialog(current, options, self._ctx.clock.today(), self)
        chosen: list[tuple] = []

        def check() -> None:
            provider_id, switch_on = dialog.provider.currentData(), date_value(dialog.switch_on)
            # wrong input is refused in the dialog, before the server hands out a number
            allocation_rules.change_provider(current, provider_id, switch_on, 0)
            chosen.append((provider_id, switch_on))

        dialog.action = check
        if not (answer(dialog) if answer else dialog.exec()):
            return None
        decision, (provider_id, switch_on) = self.decision, chosen[-1]
        return self._change(
            self.tr("Andere aanbieder wordt vastgelegd…"),
            lambda: self._ctx.decisions.change_provider(decision, current, provider_id, switch_on),
        )

    def _change(self, label: str, work) -> Task:
        def done(_result) -> None:
            self.task = None
            self.refresh()
            self.changed.emit()

        self.task = run_task(
            self,
            label,
            work,
            done,
            controls=(self.period_button, self.provider_button),
            busy=self.busy,
        )
        self.task.finished.connect(self._task_ended)
        return self.task

    def _task_ended(self) -> None:
        # after a refusal or a bug as well as after done(): the buttons follow the allocations
        if self.task is not None:
            self.task = None
            if self.decision is not None and self.decision.status is DecisionStatus.DEFINITIEF:
                self._show_allocations()

    def _show_documents(self) -> None:
        assert self.decision is not None
        self.documents_box.show_for(self.decision.id)

    # the documents box's parts, as the tests and the case view address them
    document_choice = property(lambda self: self.documents_box.document_choice)
    documents_button = property(lambda self: self.documents_box.documents_button)
    save_as_button = property(lambda self: self.documents_box.save_as_button)
    print_button = property(lambda self: self.documents_box.print_button)
    feedback = property(lambda self: self.documents_box.feedback)

    def open_documents(self) -> Path | None:
        return self.documents_box.open_chosen()

    def save_as(self, ref: DocumentRef | None = None) -> Path | None:
        return self.documents_box.save_as(ref)

    def print_document(self, ref: DocumentRef | None = None, ask=None) -> int:
        return self.documents_box.print_document(ref, ask)

    def add_provision(self) -> None:
        decision = self._current()
        delivery = DeliveryForm(self.delivery.currentData())
        try:
            volume = int(self.volume.text()) if self.volume.text().strip() else None
        except ValueError:
            self.rows.show({"provisions[].volume": self.tr("De omvang is een geheel getal.")})
            return
        try:
            pgb = parse_money(self.pgb.text())
        except ValueError:
            self.rows.show({"provisions[].pgb_cents": self.tr("Schrijf het bedrag als 1.234,56.")})
            return
        provision = Provision(
            decision_id=decision.id,
            product_code=self.product.currentData(),
            result=self.result.text().strip(),
            start=date_value(self.start),
            end=date_value(self.end),
            delivery_form=delivery,
            volume=volume,
            unit=self.unit.currentData(),
            frequency=self.frequency.currentData(),
            provider_id=self.provider.currentData() if delivery is DeliveryForm.NATURA else None,
            pgb_cents=pgb if delivery is DeliveryForm.PGB else None,
        )
        from wmo_desk.domain.decision_rules import provision_errors

        problems = provision_errors(provision, self._ctx.catalogues.current(), 0)
        if problems:
            self.rows.show(
                {k.replace("provisions[0].", "provisions[]."): v for k, v in problems.items()}
            )
            return
        self.rows.show({})
        # keep what was typed above the provisions too: refresh() shows the stored decision
        self.decision = self._ctx.decisions.save(
            decision,
            provisions=(*decision.provisions, provision),
            outcome=DecisionOutcome(self.outcome.currentData()),
            motivation=self.motivation.toPlainText().strip(),
        )
        self.result.clear()
        self.refresh()
        self.changed.emit()

    def save(self) -> None:
        decision = self._current()
        try:
            self.decision = self._ctx.decisions.save(
                decision,
                outcome=DecisionOutcome(self.outcome.currentData()),
                motivation=self.motivation.toPlainText().strip(),
            )
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        self.refresh()
        self.changed.emit()

    def submit(self) -> None:
        """Save the concept, check it, and after confirmation send it to the team lead."""
        self.save()
        if self.decision is None:
            return
        from wmo_desk.domain.decision_rules import check_decision

        try:
            # refused proposals stay here, before the user is asked anything
            check_decision(self.decision, self._ctx.catalogues.current())
        except FieldErrors as exc:
            self._show_submit_errors(exc)
            return
        if not confirm(
            self,
            self.tr("Indienen ter goedkeuring"),
            self.tr("Het voorstel (%s) gaat naar de teamleider ter goedkeuring.")
            % self._summary(self.decision),
            self.tr("Indienen ter goedkeuring"),
            self.tr("Daarna kunt u het niet meer wijzigen, tenzij de teamleider het terugstuurt.")
            + self._deadline_sentence(),
        ):
            return
        try:
            self.decision = self._ctx.decisions.submit(self.decision)
        except FieldErrors as exc:
            self._show_submit_errors(exc)
            return
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        tell_done(self.submit_feedback, self.tr("Ingediend ter goedkeuring bij de teamleider."))
        self.refresh()
        self.changed.emit()

    def _show_submit_errors(self, exc: FieldErrors) -> None:
        shown = {
            k if k in ("motivation", "provisions") else "provisions": v
            for k, v in exc.errors.items()
        }
        self.rows.show(shown)

    def _summary(self, d: Decision) -> str:
        count = len(d.provisions)
        if not count:
            return OUTCOME_LABELS[d.outcome].lower()
        noun = self.tr("voorziening") if count == 1 else self.tr("voorzieningen")
        return f"{OUTCOME_LABELS[d.outcome].lower()}, {count} {noun}"

    def _deadline_sentence(self) -> str:
        deadline = next(
            (
                d
                for d in self._ctx.cases.view(self.case_id).deadlines
                if d.kind.value == "beslissing"
            ),
            None,
        )
        if deadline is None:
            return ""
        return " " + self.tr("De beschikking moet uiterlijk %s zijn gegeven.") % weekday_date(
            deadline.due
        )
