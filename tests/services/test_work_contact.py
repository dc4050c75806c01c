"""The consultant's own telefoon and e-mail: kept per user, checked, printed in the letters."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.test_municipal_decision import as_role, text_of
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.contact import WorkContact
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.users import Role
from wmo_desk.services.work_contact import move_work_contact
from wmo_desk.storage.repositories.settings import SettingsRepository

# invented demo values
PHONE = "0412 123 456"
EMAIL = "j.devries@oss.example"


def test_each_user_keeps_their_own_details(demo_ctx):
    me = demo_ctx.profile.user.id
    other = next(u for u in demo_ctx.profiles.users() if u.id != me).id
    assert demo_ctx.work_contact.get(me) == WorkContact()
    assert demo_ctx.work_contact.save(me, " 0412  123 456", EMAIL) == WorkContact(PHONE, EMAIL)
    assert demo_ctx.work_contact.get(me) == WorkContact(PHONE, EMAIL)
    assert demo_ctx.work_contact.get(other) == WorkContact()


def test_wrong_details_save_nothing(demo_ctx):
    me = demo_ctx.profile.user.id
    demo_ctx.work_contact.save(me, PHONE, EMAIL)
    with pytest.raises(FieldErrors) as caught:
        demo_ctx.work_contact.save(me, "0412 12", "nieuw@oss.example")
    assert set(caught.value.errors) == {"phone"}
    assert demo_ctx.work_contact.get(me) == WorkContact(PHONE, EMAIL)


def test_a_letter_falls_back_to_the_municipality_field_by_field(demo_ctx):
    me = demo_ctx.profile.user.id
    service = demo_ctx.work_contact
    assert service.for_letter(me, "14 0412", "wmo@oss.example") == WorkContact(
        "14 0412", "wmo@oss.example"
    )
    service.save(me, PHONE, "")
    assert service.for_letter(me, "14 0412", "wmo@oss.example") == WorkContact(
        PHONE, "wmo@oss.example"
    )
    assert service.for_letter(None, "14 0412", "") == WorkContact("14 0412", "")


def test_the_details_follow_the_server_id_at_the_first_sign_in(demo_ctx):
    me = demo_ctx.profile.user.id
    demo_ctx.work_contact.save(me, PHONE, EMAIL)
    with demo_ctx.db.session() as session:
        move_work_contact(SettingsRepository(session), me, "server-id")
    assert demo_ctx.work_contact.get("server-id") == WorkContact(PHONE, EMAIL)
    assert demo_ctx.work_contact.get(me) == WorkContact()


def test_the_beschikking_and_the_toewijzing_print_the_consultants_own_details(demo_ctx):
    """Set on the consultant's desktop, carried by the submitted decision: the team lead's
    desktop, which renders the letters at approval, has none of the consultant's settings."""
    ctx = demo_ctx
    consultant = as_role(ctx, Role.CONSULENT)
    ctx.work_contact.save(consultant.id, PHONE, EMAIL)
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[0].case_id
    ranked = ctx.suggestions.suggestions(case_id, "vervoer", "12O01").ranked
    ctx.suggestions.choose(case_id, "vervoer", "12O01", ranked[0], "")
    decision = ctx.decisions.propose(
        case_id, DecisionOutcome.TOEGEKEND, "Zie verslag: mevrouw kan niet meer lopen."
    )
    scooter = Provision(
        decision_id=decision.id,
        product_code="12O01",
        result="Mevrouw doet zelf haar boodschappen.",
        start=date(2026, 12, 1),
        end=date(2028, 11, 30),
        delivery_form=DeliveryForm.NATURA,
        volume=1,
        unit="82",
        frequency="6",
        provider_id=ranked[0].provider.id,
    )
    submitted = ctx.decisions.submit(ctx.decisions.save(decision, provisions=(scooter,)))
    assert (submitted.proposer_phone, submitted.proposer_email) == (PHONE, EMAIL)
    ctx.work_contact.save(consultant.id, "", "")  # as on the team lead's own desktop
    as_role(ctx, Role.TEAMLEIDER)
    stored = next(d for d in ctx.decisions.queue() if d.id == submitted.id)
    assert (stored.proposer_phone, stored.proposer_email) == (PHONE, EMAIL)
    final = ctx.decisions.approve(submitted)
    documents = {kind: content for kind, _name, content in ctx.decisions.documents(final.id)}
    letter = text_of(documents["beschikking"])
    assert f"telefoon {PHONE}, e-mail {EMAIL}" in letter
    assert f"Telefoon {PHONE}" in letter and f"E-mail {EMAIL}" in letter
    [toewijzing] = [text_of(c) for k, c in documents.items() if k.startswith("toewijzing-")]
    assert PHONE in toewijzing and EMAIL in toewijzing


def test_the_verslag_names_the_case_consultants_own_details(demo_ctx):
    ctx = demo_ctx
    flt = CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
    case_id = next(s.case_id for s in ctx.caseload.summaries(flt) if not s.on_hold)
    ctx.conversation.start(case_id)
    consultant = ctx.cases.view(case_id).consultant or ctx.profile.user
    before = ctx.verslag.data(case_id)
    ctx.work_contact.save(consultant.id, PHONE, EMAIL)
    after = ctx.verslag.data(case_id)
    assert (before.consultant_phone, before.consultant_email) != (PHONE, EMAIL)
    assert (after.consultant_phone, after.consultant_email) == (PHONE, EMAIL)


def test_the_server_refuses_a_decision_with_a_wrong_proposer_contact():
    from wmo_desk.sync.records import validate

    base = {
        "created_at": "2026-12-03T08:00:00+00:00",
        "modified_at": "2026-12-03T08:00:00+00:00",
        "case_id": "8a6f2a8e-6f55-4f0a-9a57-3b7d1f0f1a11",
        "outcome": "toegekend",
        "motivation": "Zie verslag.",
        "status": "ingediend",
        "proposed_by": "8a6f2a8e-6f55-4f0a-9a57-3b7d1f0f1a12",
        "approved_by": None,
        "kenmerk": "",
        "decision_date": None,
        "replaces_id": None,
    }
    assert validate("decision", base) is None  # from a desktop that has none set
    assert validate("decision", {**base, "proposer_phone": PHONE}) is None
    problem = validate("decision", {**base, "proposer_phone": "0412 12"})
    assert problem.field == "proposer_phone"
    assert problem.message.startswith("Telefoon van de consulent: een telefoonnummer heeft 10")
    problem = validate("decision", {**base, "proposer_email": "j.devries@oss"})
    assert problem.field == "proposer_email" and "e-mailadres" in problem.message


def test_an_approval_whose_wmo301_would_be_invalid_is_refused_before_anything_is_final(demo_ctx):
    """iWmo allows a huisnummertoevoeging of 4 characters; a client saved before the melding
    checked that (or synced from elsewhere) may have "2-hoog". The message is checked before
    the server (here the demo's mandate) is asked to approve."""
    from dataclasses import replace

    from wmo_desk.domain.decisions import DecisionStatus
    from wmo_desk.domain.errors import UserError
    from wmo_desk.storage.repositories.clients import ClientRepository

    ctx = demo_ctx
    as_role(ctx, Role.CONSULENT)
    case_id = ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.AANVRAAG))[0].case_id
    client = ctx.cases.view(case_id).client
    with ctx.db.session() as session:
        address = replace(client.address, house_number_addition="2-hoog")
        ClientRepository(session).save(replace(client, address=address))
    ranked = ctx.suggestions.suggestions(case_id, "vervoer", "12O01").ranked
    ctx.suggestions.choose(case_id, "vervoer", "12O01", ranked[0], "")
    decision = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    scooter = Provision(
        decision_id=decision.id, product_code="12O01", result="Zelf boodschappen doen.",
        start=date(2026, 12, 1), end=date(2028, 11, 30), delivery_form=DeliveryForm.NATURA,
        volume=1, unit="82", frequency="6", provider_id=ranked[0].provider.id,
    )  # fmt: skip
    submitted = ctx.decisions.submit(ctx.decisions.save(decision, provisions=(scooter,)))
    as_role(ctx, Role.TEAMLEIDER)
    with pytest.raises(UserError) as refused:
        ctx.decisions.approve(submitted)
    assert refused.value.title == "Toewijzing kan niet worden verstuurd"
    assert "huisnummertoevoeging hoogstens 4" in refused.value.message
    assert "Er is niets goedgekeurd of verstuurd" in refused.value.message
    still = next(d for d in ctx.decisions.queue() if d.id == submitted.id)
    assert still.status is DecisionStatus.INGEDIEND and not still.kenmerk
    assert ctx.decisions.allocations(submitted.id) == []
