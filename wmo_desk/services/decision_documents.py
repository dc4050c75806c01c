"""Assembles the final documents of an approved decision: the beschikking, and per natura
provision the toewijzing as PDF and as iWmo WMO301 XML."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from wmo_desk.domain.catalogue import Municipality, Product
from wmo_desk.domain.clients import Client, Sex
from wmo_desk.domain.codes import PRODUCT_CATEGORIES, resident_omvang_text
from wmo_desk.domain.contact import WorkContact
from wmo_desk.domain.decision_rules import bezwaar_last_day
from wmo_desk.domain.decisions import Allocation, Decision, DeliveryForm
from wmo_desk.domain.errors import UserError

# The documents (reportlab, Jinja2) are imported in the functions that use them: the window
# starts without them.
if TYPE_CHECKING:
    from wmo_desk.documents.beschikking import Addressee
    from wmo_desk.documents.wmo301 import AllocatedProduct, ClientIdentity, Wmo301Message
    from wmo_desk.domain.catalogue import Provider
    from wmo_desk.services.context import AppContext

#: CAK abonnementstarief: configuration, indexed yearly (settings key ``eigen_bijdrage_cents``).
DEFAULT_CONTRIBUTION_CENTS = 2160

#: iWmo dates and times are Dutch civil time (Toewijzingstijd), never UTC.
_DUTCH_TIME = ZoneInfo("Europe/Amsterdam")

#: Categories of aids a resident gets as a thing (rolstoel, scootmobiel, traplift, hulpmiddel).
_AID_CATEGORIES = frozenset({"11", "12", "13", "14"})


def letter_omvang(volume: int | None, unit: str, frequency: str, product: Product | None) -> str:
    """The omvang in the resident's letter: ``1 scootmobiel (in bruikleen)``, ``Extra, per
    maand``, ``3 uur per week`` (the toewijzing and the WMO301 keep the iWmo codes)."""
    item = level = ""
    if product is not None:
        if product.category in _AID_CATEGORIES:
            item = product.name[:1].lower() + product.name[1:]
        # a level on the region's result matrix (Hart van Brabant) is not an omvang
        if product.level and not product.result_area:
            level = product.level
    return resident_omvang_text(volume, unit, frequency, item=item, level=level)


def pgb_period(product: Product | None) -> str:
    """``per uur``, ``per maand``; an amount without a tariff period is for the whole term."""
    period = product.tariff_period if product else ""
    return f"per {period}" if period else "voor de hele looptijd"


def _addressee(client: Client) -> tuple[Addressee, str]:
    from wmo_desk.documents.beschikking import Addressee

    title = {Sex.VROUW: "Mevrouw", Sex.MAN: "De heer"}.get(client.sex, "")
    name = f"{title} {client.display_name}".strip()
    surname = " ".join(p for p in (client.prefix.capitalize(), client.surname) if p)
    salutation = {
        Sex.VROUW: f"Geachte mevrouw {surname},",
        Sex.MAN: f"Geachte heer {surname},",
    }.get(client.sex, f"Geachte {client.display_name},")
    return Addressee(name, client.address.street_line(), client.address.place_line()), salutation


def _identity(client: Client) -> ClientIdentity:
    from wmo_desk.documents.wmo301 import (
        ClientIdentity,
        PersonName,
        PostalAddress,
    )

    a = client.address
    addition = a.house_number_addition
    letter = addition if len(addition) == 1 and addition.isalpha() else ""
    return ClientIdentity(
        bsn=client.bsn,
        birth_date=client.birth_date,
        sex=client.sex.value,
        name=PersonName(
            surname=client.surname,
            prefix=client.prefix,
            first_names=client.first_names,
            initials=client.initials.replace(".", ""),
        ),
        address=PostalAddress(
            street=a.message_street,
            house_number=a.house_number,
            postcode=a.postcode,
            place=a.place,
            house_letter=letter,
            house_number_addition="" if letter else addition,
        ),
    )


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _letter_contact(ctx: AppContext, decision: Decision, sender: Municipality) -> WorkContact:
    """The proposer's own telefoon and e-mail as the decision carries them (set when it was
    submitted), else as set on this desktop, else the municipality's from its letter data;
    field by field."""
    letter = sender.letter
    local = ctx.work_contact.for_letter(
        decision.proposed_by, letter.phone if letter else "", letter.email if letter else ""
    )
    return WorkContact(
        phone=decision.proposer_phone or local.phone, email=decision.proposer_email or local.email
    )


class DecisionDocuments:
    """Renders what an approved decision sends out; deterministic for the same data."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    def __call__(
        self, decision: Decision, allocations: list[Allocation]
    ) -> list[tuple[str, str, bytes]]:
        from wmo_desk.documents.beschikking import (
            BeschikkingData,
            ProvisionText,
            render_beschikking,
        )

        ctx = self._ctx
        view = ctx.cases.view(decision.case_id)
        client, case = view.client, view.case
        catalogue = ctx.catalogues.current()
        sender = catalogue.sender(case.municipality_code)
        name = sender.name
        users = {u.id: u for u in ctx.profiles.users()}
        approver = users.get(decision.approved_by or "")
        consultant = users.get(decision.proposed_by)
        contact = _letter_contact(ctx, decision, sender)
        providers = {p.id: p for p in catalogue.providers}
        choices = {c.provider_id: c for c, _w in ctx.suggestions.choices(decision.case_id)}
        addressee, salutation = _addressee(client)
        sent = decision.decision_date
        assert sent is not None
        provisions = []
        for p in decision.provisions:
            product = catalogue.product(p.product_code)
            provider_name = (
                providers[p.provider_id].name
                if p.provider_id in providers
                else choices[p.provider_id].provider_name
                if p.provider_id in choices
                else ""
            )
            provisions.append(
                ProvisionText(
                    category_code=product.category if product else "",
                    category_name=PRODUCT_CATEGORIES.get(product.category, "") if product else "",
                    product_code=p.product_code,
                    product_name=product.name if product else p.product_code,
                    result=p.result,
                    omvang=letter_omvang(p.volume, p.unit, p.frequency, product),
                    start=p.start,
                    end=p.end,
                    delivery_form=p.delivery_form,
                    provider_name=provider_name if p.delivery_form is DeliveryForm.NATURA else "",
                    pgb_cents=p.pgb_cents,
                    pgb_purpose=product.name
                    if product and p.delivery_form is DeliveryForm.PGB
                    else "",
                    pgb_period=pgb_period(product) if p.delivery_form is DeliveryForm.PGB else "",
                )
            )
        contribution = int(
            ctx.settings_value("eigen_bijdrage_cents", str(DEFAULT_CONTRIBUTION_CENTS))
        )
        beschikking = render_beschikking(
            BeschikkingData(
                municipality_name=name,
                municipality_code=case.municipality_code,
                municipality_address_lines=sender.sender_lines(),
                return_address=sender.return_address(),
                addressee=addressee,
                salutation=salutation,
                document_date=sent,
                kenmerk=decision.kenmerk,
                outcome=decision.outcome,
                provisions=tuple(provisions),
                motivation=decision.motivation,
                objection_deadline=bezwaar_last_day(sent),
                objection_addressee=f"Het college van burgemeester en wethouders van {name}",
                objection_address_lines=sender.objection_lines(),
                objection_online=sender.letter.objection_online if sender.letter else "",
                approver_name=approver.name if approver else "",
                approver_function=_first_upper(
                    sender.letter.approver_function if sender.letter else "teamleider Wmo"
                ),
                consultant_name=consultant.name if consultant else "",
                consultant_phone=contact.phone,
                consultant_email=contact.email,
                application_date=case.aanvraag_date,
                verslag_date=self._verslag_date(decision.case_id),
                contribution_cents=contribution if provisions else None,
                contribution_year=sent.year,
            )
        )
        documents = [("beschikking", f"beschikking-{decision.kenmerk}.pdf", beschikking)]
        documents += self.allocation_documents(decision, allocations, sent)
        return documents

    def _verslag_date(self, case_id: str) -> date | None:
        """The day the newest verslag was made, which the motivering cites."""
        from wmo_desk.storage.repositories.documents import StoredDocumentRepository

        with self._ctx.db.session() as session:
            verslag = StoredDocumentRepository(session).latest(case_id, "verslag")
        return verslag.created_at.astimezone().date() if verslag else None

    def _messages(
        self, decision: Decision, allocations: list[Allocation], on: date
    ) -> list[tuple[Allocation, Provider, AllocatedProduct, Wmo301Message]]:
        """The WMO301 data of each allocation whose provider is in the catalogue, checked as
        the iWmo standard asks (field lengths, codes, ranges); raises :class:`UserError` in
        Dutch, naming what is wrong, when one cannot be sent."""
        from wmo_desk.documents.wmo301 import AllocatedProduct, Wmo301Message

        ctx = self._ctx
        view = ctx.cases.view(decision.case_id)
        providers = {p.id: p for p in ctx.catalogues.current().providers}
        found = []
        try:
            identity = _identity(view.client)
            for allocation in allocations:
                provider = providers.get(allocation.provider_id)
                if provider is None:
                    continue
                product = AllocatedProduct(
                    number=allocation.number,
                    category=allocation.product_category,
                    product_code=allocation.product_code,
                    start=allocation.start,
                    end=allocation.end,
                    allocated_on=on,
                    allocated_at=allocation.created_at.astimezone(_DUTCH_TIME)
                    .time()
                    .replace(microsecond=0),
                    volume=allocation.volume,
                    unit=allocation.unit if allocation.volume is not None else "",
                    frequency=allocation.frequency if allocation.volume is not None else "",
                    change_reason=allocation.change_reason,
                )
                message = Wmo301Message(
                    municipality_code=view.case.municipality_code,
                    provider_agb=provider.agb_code,
                    message_id=f"{allocation.number}-{allocation.version}",
                    message_date=on,
                    client=identity,
                    products=(product,),
                )
                found.append((allocation, provider, product, message))
        except ValueError as exc:
            raise UserError(
                "Toewijzing kan niet worden verstuurd",
                f"Het bericht aan de aanbieder (WMO301) voldoet niet aan de iWmo-standaard: "
                f"{exc}. Er is niets goedgekeurd of verstuurd; pas de gegevens aan en probeer "
                "het opnieuw.",
            ) from exc
        return found

    def check_messages(self, decision: Decision, allocations: list[Allocation], on: date) -> None:
        """Before the server is asked to approve: would each toewijzing's WMO301 be valid?
        (Its number is not known yet; any valid number stands in.) Raises :class:`UserError`."""
        self._messages(decision, allocations, on)

    def allocation_documents(
        self, decision: Decision, allocations: list[Allocation], on: date
    ) -> list[tuple[str, str, bytes]]:
        """The toewijzing PDF and WMO301 message of each allocation (one version each)."""
        from wmo_desk.documents.toewijzing import ToewijzingData, render_toewijzing
        from wmo_desk.documents.wmo301 import build_wmo301

        ctx = self._ctx
        view = ctx.cases.view(decision.case_id)
        case = view.case
        catalogue = ctx.catalogues.current()
        sender = catalogue.sender(case.municipality_code)
        consultant = {u.id: u for u in ctx.profiles.users()}.get(decision.proposed_by)
        contact = _letter_contact(ctx, decision, sender)
        documents: list[tuple[str, str, bytes]] = []
        for allocation, provider, product, message in self._messages(decision, allocations, on):
            pdf = render_toewijzing(
                ToewijzingData(
                    municipality_name=sender.name,
                    municipality_code=case.municipality_code,
                    municipality_address_lines=sender.sender_lines(),
                    consultant_phone=contact.phone,
                    consultant_email=contact.email,
                    provider_name=provider.name,
                    provider_agb=provider.agb_code,
                    client=message.client,
                    product=product,
                    version=allocation.version,
                    consultant_name=consultant.name if consultant else "",
                    product_name=(
                        catalogue.product(allocation.product_code).name
                        if catalogue.product(allocation.product_code)
                        else ""
                    ),
                )
            )
            stem = f"{allocation.number}-v{allocation.version}"
            documents.append((f"toewijzing-{stem}", f"toewijzing-{stem}.pdf", pdf))
            documents.append((f"wmo301-{stem}", f"wmo301-{stem}.xml", build_wmo301(message)))
        return documents
