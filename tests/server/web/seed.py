"""A small region pushed through the API as the desktops do: consultants propose, team leads
approve on the server and push the final decision with its toewijzing."""

from __future__ import annotations

import uuid

from tests.server.test_sync_api import change
from wmo_desk.services.demo import demo_bsn

OSS_PROVIDER = ("bnoo-blinq-dagbesteding-bv", "Blinq dagbesteding BV")
BERNHEZE_PROVIDER = ("bnoo-actief-zorg-b-v", "Actief Zorg B.V.")
# (melding, aanvraag): Oss six clients, 07A07 dagbesteding; Bernheze three, 02A07 begeleiding
OSS = [
    ("2026-11-22", "2026-11-25"),
    ("2026-11-22", "2026-11-25"),
    ("2026-11-12", "2026-11-25"),
    ("2026-11-02", "2026-11-02"),
    ("2026-10-23", "2026-11-02"),
    ("2026-10-13", "2026-11-02"),
]
BERNHEZE = [("2026-11-12", None)] * 3
# the first nine are the seed's; the last two for tests that add clients later
SURNAMES = ["Zwartveld", "Heikoop", "Olthuis", "Brinkerink", "Wijnbergen", "Kloosterboer",
            "Ruisendaal", "Hoefnagels", "Tempelaars", "Dorrestein", "Vleugels"]  # fmt: skip
BSNS = [demo_bsn(n) for n in range(10, 21)]  # invented, elfproef-valid


def client_in_care(api, consultant, lead, code, product, provider, melding, aanvraag, n):
    client_id, case_id, decision_id = (str(uuid.uuid4()) for _ in range(3))
    decision = change(
        "decision", code=code, record_id=decision_id, case_id=case_id, status="ingediend",
        proposed_by=api.ids[consultant], kenmerk="", approved_by=None, decision_date=None,
    )  # fmt: skip
    provision = change(
        "provision", code=code, case_id=case_id, decision_id=decision_id, product_code=product,
        delivery_form="natura", provider_id=provider, volume=1, unit="82", frequency="4",
        start="2026-12-01", end="2027-11-30",
    )  # fmt: skip
    results = api.push(
        consultant,
        [
            change(code=code, record_id=client_id, surname=SURNAMES[n], bsn=BSNS[n],
                   municipality_code=code),
            change("case", code=code, record_id=case_id, consultant_id=api.ids[consultant],
                   client_id=client_id, melding_date=melding, aanvraag_date=aanvraag,
                   stage="aanvraag"),
            decision,
            provision,
        ],
    )  # fmt: skip
    assert {r["status"] for r in results} == {"applied"}, results
    grant = api.approve(lead, decision_id, [provision["record_id"]])
    final = dict(
        decision, change_id=str(uuid.uuid4()), base_revision=results[2]["revision"],
        payload={**decision["payload"], "status": "definitief", "kenmerk": grant["kenmerk"],
                 "approved_by": grant["approved_by"], "decision_date": grant["decision_date"]},
    )  # fmt: skip
    allocation = change(
        "allocation", code=code, case_id=case_id, provision_id=provision["record_id"],
        number=grant["numbers"][provision["record_id"]], version=1, provider_id=provider,
        product_category=product[:2], product_code=product, start="2026-12-01",
        end="2027-11-30", volume=1, unit="82", frequency="4",
    )  # fmt: skip
    done = api.push(lead, [final, allocation])
    assert [r["status"] for r in done] == ["applied", "applied"], done
    return grant["decision_date"]


def seed(api) -> str:
    """Push the region; returns the decision date the server gave (today)."""
    day = ""
    for n, (melding, aanvraag) in enumerate(OSS):
        day = client_in_care(
            api, "sanne", "tl", "0828", "07A07", OSS_PROVIDER[0], melding, aanvraag, n
        )
    for n, (melding, aanvraag) in enumerate(BERNHEZE, start=len(OSS)):
        client_in_care(
            api, "kees", "tl2", "1721", "02A07", BERNHEZE_PROVIDER[0], melding, aanvraag, n
        )
    return day
