"""The server checks every pushed record by the domain's rules: a record that breaks them is
refused on its own with a Dutch reason naming the field, and nothing of it is stored."""

from __future__ import annotations

import uuid

from tests.server import test_sync_api
from tests.server.test_sync_api import case, change

# the same users and server as test_sync_api, on SQLite and PostgreSQL
api = test_sync_api.api


def _ids(records):
    return {r["record_id"] for r in records}


def test_records_that_break_the_rules_are_refused_and_the_rest_of_the_batch_is_applied(api):
    client = change(surname="Jansen")
    wrong_bsn = change(surname="de Boer", bsn="999990018")
    bad_postcode = change(surname="Smits", postcode="0341AB")
    long_name = change(surname="A" * 201)
    no_email = change(surname="Mulder")
    del no_email["payload"]["email"]
    created = case(api, "sanne", client)
    case_id = created["record_id"]
    decision = change("decision", case_id=case_id, proposed_by=api.ids["sanne"])
    backwards = change(
        "provision",
        case_id=case_id,
        decision_id=decision["record_id"],
        start="2027-01-01",
        end="2026-12-31",
    )
    provision = change("provision", case_id=case_id, decision_id=decision["record_id"])
    batch = [client, wrong_bsn, bad_postcode, long_name, no_email, created, decision]
    batch += [backwards, provision]

    results = api.push("sanne", batch)

    assert [r["status"] for r in results] == [
        "applied", "forbidden", "forbidden", "forbidden", "forbidden",
        "applied", "applied", "forbidden", "applied",
    ]  # fmt: skip
    refused = {r["change_id"]: r for r in results if r["status"] == "forbidden"}
    assert {r["reason"] for r in refused.values()} == {"invalid"}
    assert all(r["revision"] is None for r in refused.values())
    details = [refused[c["change_id"]]["detail"] for c in batch if c["change_id"] in refused]
    assert details == [
        "BSN: dit is geen geldig BSN (de elfproef klopt niet). Controleer de cijfers.",
        "Postcode: een postcode begint niet met 0.",
        "Achternaam: hoogstens 200 tekens.",
        "E-mail: ontbreekt.",
        "Einddatum: de einddatum ligt vóór de ingangsdatum.",
    ]
    applied = [client, created, decision, provision]
    assert api.count_records() == len(applied)
    assert _ids(api.pull_all("sanne")) == _ids(applied)
    assert _ids(api.pull_all("tl")) == _ids(applied)


def test_a_refused_record_is_applied_once_corrected(api):
    wrong = change(surname="de Boer", bsn="999990018")
    assert api.push("sanne", [wrong])[0]["reason"] == "invalid"
    corrected = change(record_id=wrong["record_id"], surname="de Boer", bsn="999990019")
    assert api.push("sanne", [corrected])[0]["status"] == "applied"
    [record] = api.pull_all("sanne")
    assert record["payload"]["bsn"] == "999990019"


def test_an_invalid_edit_keeps_the_version_on_the_server(api):
    client = change(surname="Jansen")
    revision = api.push("sanne", [client])[0]["revision"]
    edit = change(record_id=client["record_id"], base=revision, surname="Jansen", postcode="5341")
    result = api.push("sanne", [edit])[0]
    assert (result["status"], result["reason"]) == ("forbidden", "invalid")
    assert result["detail"].startswith("Postcode: ")
    [record] = api.pull_all("sanne")
    assert record["revision"] == revision
    assert record["payload"] == client["payload"]


def test_an_unknown_record_type_is_refused_as_invalid(api):
    result = api.push("sanne", [change("verzonnen", tekst="iets")])[0]
    assert (result["status"], result["reason"]) == ("forbidden", "invalid")
    assert result["detail"] == "Onbekend recordtype verzonnen: de server kent het niet."
    assert api.count_records() == 0


def test_a_record_must_belong_to_the_case_it_travels_with(api):
    jansen, bakker = change(surname="Jansen"), change(surname="Bakker")
    first, second = case(api, "sanne", jansen), case(api, "sanne", bakker)
    assert {r["status"] for r in api.push("sanne", [jansen, first, bakker, second])} == {"applied"}
    # a note of the second case, sent with the first; and one sent with no case at all
    crossed = change("case_event", case_id=first["record_id"], text="Huisbezoek gepland.")
    crossed["payload"]["case_id"] = second["record_id"]
    loose = change("case_event", text="Huisbezoek gepland.")
    loose["payload"]["case_id"] = second["record_id"]
    fitting = change("case_event", case_id=second["record_id"], text="Huisbezoek gepland.")
    results = api.push("sanne", [crossed, loose, fitting])
    assert [(r["status"], r["reason"]) for r in results] == [
        ("forbidden", "invalid"),
        ("forbidden", "invalid"),
        ("applied", None),
    ]
    for result in results[:2]:
        assert result["detail"] == (
            "Casus: het record hoort bij een andere casus dan waarmee het is verstuurd."
        )
    events = [r for r in api.pull_all("sanne") if r["record_type"] == "case_event"]
    assert [(e["record_id"], e["case_id"]) for e in events] == [
        (fitting["record_id"], second["record_id"])
    ]
    assert api.count_records() == 5


def test_a_case_for_a_client_the_writer_does_not_see_is_refused(api):
    """A valid case is not enough: its client must be one the consultant already sees."""
    result = api.push("sanne", [case(api, "sanne", client_id=str(uuid.uuid4()))])[0]
    assert (result["status"], result["reason"]) == ("forbidden", "unknown_client")
    assert api.count_records() == 0


def test_a_long_street_without_the_brp_short_name_is_refused_and_a_wrong_contact_too(api):
    long = "Burgemeester van Mierlostraat"
    bare = change(surname="Jansen", street=long)
    named = change(surname="Smits", street=long, street_short="Burg van Mierlostr")
    created = case(api, "sanne", named)
    bad_phone = change(
        "decision", case_id=created["record_id"], proposed_by=api.ids["sanne"],
        proposer_phone="0412 12",
    )  # fmt: skip
    results = api.push("sanne", [bare, named, created, bad_phone])
    assert [r["status"] for r in results] == ["forbidden", "applied", "applied", "forbidden"]
    assert results[0]["detail"].startswith(
        "Korte straatnaam (BRP): deze straatnaam is langer dan 24 tekens"
    )
    assert results[3]["detail"].startswith("Telefoon van de consulent: een telefoonnummer heeft")
    stored = {r["record_id"]: r["payload"] for r in api.pull_all("sanne")}
    assert stored[named["record_id"]]["street_short"] == "Burg van Mierlostr"
    assert bare["record_id"] not in stored and bad_phone["record_id"] not in stored
