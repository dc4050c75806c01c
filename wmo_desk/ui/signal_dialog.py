"""The Signaal melden dialog: a signal about a provider to the regional meldpunt, from a case."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.signals import MAX_SIGNAL_TEXT, SignalKind
from wmo_desk.services.context import AppContext
from wmo_desk.ui.confirm import confirm
from wmo_desk.ui.display import long_date
from wmo_desk.ui.fields import ErrorRows, date_edit, date_value


class SignalDialog(QDialog):
    """Saves a signal through the signal service; it is sent at the next sync.

    The signal is committed before the dialog closes, so quitting wmo_desk then loses nothing.

    Signals:
        saved(str): the id of the new signal.
    """

    saved = Signal(str)

    def __init__(
        self, ctx: AppContext, case_id: str, client_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._case_id = case_id
        self._client_name = client_name
        self.signal_id: str | None = None
        self.setWindowTitle(self.tr("Signaal melden"))
        self.rows = ErrorRows()

        intro = QLabel(
            self.tr(
                "Een signaal over de kwaliteit of rechtmatigheid van de ondersteuning gaat naar "
                "het Regionaal Meldpunt. Het meldpunt bundelt de signalen per aanbieder en kan "
                "een signaal overdragen aan de toezichthouder Wmo."
            )
        )
        intro.setWordWrap(True)
        self.provider = QComboBox()
        self.provider.addItem(self.tr("– kies een aanbieder –"), "")
        for provider_id, name in ctx.signals.providers():
            self.provider.addItem(name, provider_id)
        self.kind = QComboBox()
        for kind in SignalKind:
            self.kind.addItem(kind.label, kind)
        self.occurred_on = date_edit(ctx.clock.today(), allow_blank=True)
        self.what_happened = QPlainTextEdit()
        self.what_happened.setPlaceholderText(
            self.tr("Wat is er gebeurd, wanneer, en wat merkte de cliënt ervan?")
        )
        self.what_happened.setTabChangesFocus(True)
        self.what_happened.setMinimumHeight(120)
        self.counter = QLabel()
        self.counter.setObjectName("signal_counter")
        self.counter.setStyleSheet("color: #555;")
        self.link_client = QCheckBox(
            self.tr("&Cliënt %s koppelen; de cliënt heeft daarvoor toestemming gegeven")
            % client_name
        )
        self.link_client.setObjectName("link_client")
        self.consent_on = date_edit(None, allow_blank=True)
        self.consent_on.setEnabled(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.add(form, "provider", self.tr("&Aanbieder *"), self.provider)
        self.rows.add(form, "kind", self.tr("&Soort signaal *"), self.kind)
        self.rows.add(form, "occurred_on", self.tr("&Datum van het voorval *"), self.occurred_on)
        self.rows.add(form, "what_happened", self.tr("&Wat is er gebeurd *"), self.what_happened)
        form.addRow("", self.counter)
        form.addRow("", self.link_client)
        self.rows.add(form, "consent_on", self.tr("Datum &toestemming"), self.consent_on)
        privacy = QLabel(
            self.tr(
                "Naam en BSN van de cliënt gaan nooit mee: het meldpunt ziet alleen dat er een "
                "cliënt met toestemming is gekoppeld en kan u om de gegevens vragen. Het signaal "
                "wordt verzonden bij de volgende synchronisatie; de status ziet u onder "
                "Beeld › Mijn signalen."
            )
        )
        privacy.setObjectName("signal_privacy")
        privacy.setWordWrap(True)
        privacy.setStyleSheet("color: #555;")

        buttons = QDialogButtonBox()
        self.submit_button = buttons.addButton(
            self.tr("Signaal &opslaan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.submit_button.setObjectName("signal_submit")
        self.submit_button.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(privacy)
        layout.addWidget(buttons)
        self.resize(640, 560)

        self.link_client.toggled.connect(self._link_toggled)
        self.what_happened.textChanged.connect(self._count)
        self.what_happened.textChanged.connect(lambda: self.rows.clear("what_happened"))
        self.provider.currentIndexChanged.connect(lambda *_: self.rows.clear("provider"))
        self.occurred_on.dateChanged.connect(lambda *_: self.rows.clear("occurred_on"))
        self.consent_on.dateChanged.connect(lambda *_: self.rows.clear("consent_on"))
        self._count()

    def _link_toggled(self, on: bool) -> None:
        self.consent_on.setEnabled(on)
        if not on:
            self.rows.clear("consent_on")

    def _count(self) -> None:
        used = len(self.what_happened.toPlainText().strip())
        self.counter.setText(self.tr("%d van %d tekens") % (used, MAX_SIGNAL_TEXT))

    def submit(self) -> None:
        link = self.link_client.isChecked()
        consent_on = date_value(self.consent_on) if link else None
        if link and consent_on is not None:
            asked = confirm(
                self,
                self.tr("Cliënt koppelen?"),
                self.tr(
                    "U legt vast dat %s op %s toestemming gaf om aan dit signaal te worden gekoppeld."
                )
                % (self._client_name, long_date(consent_on)),
                self.tr("&Koppelen en opslaan"),
                details=self.tr(
                    "Het meldpunt krijgt geen naam of BSN, alleen dat er een cliënt is gekoppeld. "
                    "Een gekoppeld signaal kan niet meer worden losgemaakt."
                ),
            )
            if not asked:
                return
        try:
            signal = self._ctx.signals.report(
                case_id=self._case_id,
                provider_id=self.provider.currentData() or "",
                kind=SignalKind(self.kind.currentData()),
                what_happened=self.what_happened.toPlainText(),
                occurred_on=date_value(self.occurred_on),
                link_client=link,
                consent_on=consent_on,
            )
        except FieldErrors as exc:
            self.rows.show(exc.errors)
            return
        self.signal_id = signal.id
        self.saved.emit(signal.id)
        self.accept()

    def keyPressEvent(self, event) -> None:
        # Enter in a field must not send a half-written signal; Ctrl+Enter saves.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.submit()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
