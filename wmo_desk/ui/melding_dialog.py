"""The Nieuwe melding dialog: register a client and a melding, all or nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.cases import Channel, Reporter
from wmo_desk.domain.clients import MESSAGE_STREET_MAX, Client, Sex
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.intake import MeldingForm, needs_street_short
from wmo_desk.domain.postcode import format_postcode, postcode_problem
from wmo_desk.services.context import AppContext
from wmo_desk.ui.fields import ErrorRows, date_edit, date_value, set_date


class MeldingDialog(QDialog):
    """Registers a melding through the intake service.

    Signals:
        registered(str): the id of the new case.
    """

    registered = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id: str | None = None
        self._known_client: Client | None = None
        self.setWindowTitle(self.tr("Nieuwe melding"))
        self.rows = ErrorRows()
        catalogue = ctx.catalogues.current()
        assert ctx.profile is not None

        # --- client ---
        self.bsn = QLineEdit(placeholderText="9 cijfers")
        self.bsn.setMaxLength(11)
        self.initials = QLineEdit(placeholderText="bijv. J.P.")
        self.first_names = QLineEdit()
        self.prefix = QLineEdit(placeholderText="bijv. van der")
        self.surname = QLineEdit()
        self.birth_date = date_edit(None, allow_blank=True)
        self.sex = QComboBox()
        # no guess: a letter to "Onbekend" greets neutrally until the consultant chooses
        for sex in (Sex.ONBEKEND, Sex.VROUW, Sex.MAN):
            self.sex.addItem(sex.label, sex)
        self.street = QLineEdit()
        # the BRP short street name: asked for only beside a street over 24 characters
        self.street_short = QLineEdit(placeholderText="bijv. Burg van Mierlostr")
        self.street_short.setMaxLength(MESSAGE_STREET_MAX)
        self.street_short.setToolTip(
            self.tr(
                "Het bericht aan de aanbieder (iWmo) heeft plaats voor 24 tekens: de korte "
                "straatnaam uit de BRP. Brieven noemen de volledige straatnaam."
            )
        )
        self.house_number = QLineEdit()
        self.house_number.setMaxLength(5)
        self.addition = QLineEdit(placeholderText="bijv. A")
        self.addition.setMaxLength(4)  # the BRP's huisnummertoevoeging
        self.postcode = QLineEdit(placeholderText="1234 AB")
        self.postcode.setMaxLength(7)
        self.place = QLineEdit()
        self.municipality = QComboBox()
        for m in sorted(catalogue.municipalities, key=lambda m: m.name):
            self.municipality.addItem(f"{m.name} ({m.cbs_code})", m.cbs_code)
        self.municipality.setCurrentIndex(self.municipality.findData(ctx.profile.municipality_code))
        self.phone = QLineEdit(placeholderText="06-12345678")
        self.email = QLineEdit(placeholderText="naam@voorbeeld.nl")

        self.known_label = QLabel()
        self.known_label.setObjectName("known_client")
        self.known_label.setStyleSheet("color: #1d5e2a;")
        self.known_label.setWordWrap(True)
        self.known_label.hide()

        client_box = QGroupBox(self.tr("Cliënt"))
        cf = QFormLayout(client_box)
        cf.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.add(cf, "bsn", self.tr("&BSN *"), self.bsn)
        cf.addRow("", self.known_label)
        self.rows.add(cf, "initials", self.tr("&Voorletters *"), self.initials)
        self.rows.add(cf, "first_names", self.tr("Voorna&men"), self.first_names)
        self.rows.add(cf, "prefix", self.tr("&Tussenvoegsel"), self.prefix)
        self.rows.add(cf, "surname", self.tr("&Achternaam *"), self.surname)
        self.rows.add(cf, "birth_date", self.tr("&Geboortedatum *"), self.birth_date)
        self.rows.add(cf, "sex", self.tr("Geslacht"), self.sex)
        self.rows.add(cf, "street", self.tr("&Straat *"), self.street)
        self.rows.add(cf, "street_short", self.tr("&Korte straatnaam (BRP) *"), self.street_short)
        self._client_form = cf
        self.street.textChanged.connect(self._street_changed)
        self._street_changed(self.street.text())
        self.rows.add(cf, "house_number", self.tr("&Huisnummer *"), self.house_number)
        self.rows.add(cf, "house_number_addition", self.tr("Toevoeging"), self.addition)
        self.rows.add(cf, "postcode", self.tr("&Postcode *"), self.postcode)
        self.rows.add(cf, "place", self.tr("&Woonplaats *"), self.place)
        self.rows.add(cf, "municipality_code", self.tr("Gemeente *"), self.municipality)
        self.rows.add(cf, "phone", self.tr("Tele&foon"), self.phone)
        self.rows.add(cf, "email", self.tr("&E-mail"), self.email)

        # --- melding ---
        self.melding_date = date_edit(ctx.clock.today(), allow_blank=False)
        self.reported_by = QComboBox()
        for r in Reporter:
            self.reported_by.addItem(r.label, r)
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(c.label, c)
        self.request_text = QPlainTextEdit()
        self.request_text.setPlaceholderText(self.tr("De hulpvraag in de woorden van de cliënt"))
        self.request_text.setTabChangesFocus(True)
        melding_box = QGroupBox(self.tr("Melding"))
        mf = QFormLayout(melding_box)
        mf.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.add(mf, "melding_date", self.tr("&Datum melding *"), self.melding_date)
        self.rows.add(mf, "reported_by", self.tr("Gemeld d&oor"), self.reported_by)
        self.rows.add(mf, "channel", self.tr("Gemeld v&ia"), self.channel)
        self.rows.add(mf, "request_text", self.tr("H&ulpvraag *"), self.request_text)
        hint = QLabel(
            self.tr(
                "Velden met * zijn verplicht. De termijnen (persoonlijk plan 7 dagen, "
                "onderzoek 6 weken) gaan in op de datum van de melding."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        mf.addRow(hint)

        buttons = QDialogButtonBox()
        self.submit_button = buttons.addButton(
            self.tr("&Registreren"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.submit_button.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(client_box, 1)
        columns.addWidget(melding_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(buttons)
        self.resize(980, 660)

        self.bsn.editingFinished.connect(self._look_up_client)
        self.postcode.editingFinished.connect(self._tidy_postcode)
        for name, widget in self.rows.widgets.items():
            signal = getattr(widget, "textChanged", None)
            if signal is not None:
                signal.connect(lambda *_a, n=name: self.rows.clear(n))

    # --- behaviour ----------------------------------------------------------------------

    def _tidy_postcode(self) -> None:
        text = self.postcode.text()
        if text.strip() and postcode_problem(text) is None:
            self.postcode.setText(format_postcode(text.replace(" ", "").upper()))

    def _look_up_client(self) -> None:
        client = self._ctx.intake.find_client(self.bsn.text())
        if client is None or client is self._known_client:
            if client is None:
                self.known_label.hide()
            return
        self._known_client = client
        self.initials.setText(client.initials)
        self.first_names.setText(client.first_names)
        self.prefix.setText(client.prefix)
        self.surname.setText(client.surname)
        set_date(self.birth_date, client.birth_date)
        self.sex.setCurrentIndex(self.sex.findData(client.sex))
        self.street.setText(client.address.street)
        self.street_short.setText(client.address.street_short)
        self.house_number.setText(str(client.address.house_number))
        self.addition.setText(client.address.house_number_addition)
        self.postcode.setText(format_postcode(client.address.postcode))
        self.place.setText(client.address.place)
        index = self.municipality.findData(client.municipality_code)
        if index >= 0:
            self.municipality.setCurrentIndex(index)
        self.phone.setText(client.phone)
        self.email.setText(client.email)
        self.known_label.setText(
            self.tr("Deze cliënt is al bekend. De gegevens zijn overgenomen; controleer het adres.")
        )
        self.known_label.show()

    def _street_changed(self, street: str) -> None:
        """Show the short street name's row only beside a street too long for iWmo."""
        needed = needs_street_short(street)
        self._client_form.setRowVisible(self.street_short.parentWidget(), needed)
        if not needed:
            self.rows.clear("street_short")

    def form(self) -> MeldingForm:
        """What is typed now, unchecked."""
        return MeldingForm(
            bsn=self.bsn.text(),
            initials=self.initials.text(),
            first_names=self.first_names.text(),
            prefix=self.prefix.text(),
            surname=self.surname.text(),
            birth_date=date_value(self.birth_date),
            sex=Sex(self.sex.currentData()),
            street=self.street.text(),
            street_short=self.street_short.text() if needs_street_short(self.street.text()) else "",
            house_number=self.house_number.text(),
            house_number_addition=self.addition.text(),
            postcode=self.postcode.text(),
            place=self.place.text(),
            municipality_code=self.municipality.currentData() or "",
            phone=self.phone.text(),
            email=self.email.text(),
            melding_date=date_value(self.melding_date),
            reported_by=Reporter(self.reported_by.currentData()),
            channel=Channel(self.channel.currentData()),
            request_text=self.request_text.toPlainText(),
        )

    def submit(self) -> None:
        try:
            self.case_id = self._ctx.intake.register(self.form())
        except FieldErrors as exc:
            self.rows.show(exc.errors)
            return
        self.registered.emit(self.case_id)
        self.accept()

    def _has_input(self) -> bool:
        texts = (self.bsn, self.surname, self.street, self.postcode, self.place)
        return any(w.text().strip() for w in texts) or bool(self.request_text.toPlainText().strip())

    def reject(self) -> None:
        if self.case_id is None and self._has_input():
            answer = QMessageBox.question(
                self,
                self.tr("Melding niet opslaan?"),
                self.tr(
                    "U heeft al gegevens ingevuld. Wilt u stoppen zonder de melding te registreren?"
                ),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def keyPressEvent(self, event) -> None:
        # Enter in a line edit must not register a half-typed melding; Ctrl+Enter does.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.submit()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
