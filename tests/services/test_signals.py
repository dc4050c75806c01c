"""Signals to the meldpunt on the desktop: checked and saved offline, nothing lost on a kill,
sent once at the next sync against a real server, and the meldpunt's status brought back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.services.test_documents import a_case
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.signals import SignalKind, SignalStatus
from wmo_desk.paths import resources_dir
from wmo_desk.storage.repositories.audit import AuditRepository


def first_provider(ctx) -> str:
    return ctx.signals.providers()[0][0]


def report(ctx, case_id, **fields):
    values = {
        "case_id": case_id,
        "provider_id": first_provider(ctx),
        "kind": SignalKind.KWALITEIT,
        "what_happened": "De thuiszorg kwam twee weken niet, zonder bericht.",
        "occurred_on": date(2026, 11, 20),
    }
    return ctx.signals.report(**{**values, **fields})


def test_a_signal_is_checked_and_saved_until_the_next_sync(demo_ctx):
    case_id = a_case(demo_ctx)
    with pytest.raises(FieldErrors) as refused:
        report(demo_ctx, case_id, provider_id="", what_happened="  ", occurred_on=date(2027, 1, 1))
    assert set(refused.value.errors) == {"provider", "what_happened", "occurred_on"}
    assert "toekomst" in refused.value.errors["occurred_on"]
    with pytest.raises(FieldErrors) as no_consent:
        report(demo_ctx, case_id, link_client=True)
    assert "toestemming" in no_consent.value.errors["consent_on"]
    with pytest.raises(FieldErrors) as too_long:
        report(demo_ctx, case_id, what_happened="x" * 4001)
    assert "maximum is 4000" in too_long.value.errors["what_happened"]
    with pytest.raises(FieldErrors) as unknown:
        report(demo_ctx, case_id, provider_id="niet-in-de-catalogus")
    assert unknown.value.errors == {"provider": "Kies een aanbieder uit de catalogus."}
    assert demo_ctx.signals.mine() == []

    plain = report(demo_ctx, case_id)
    linked = report(
        demo_ctx, case_id, kind=SignalKind.FRAUDE, link_client=True, consent_on=date(2026, 11, 21)
    )
    mine = demo_ctx.signals.mine()
    assert {s.id for s in mine} == {plain.id, linked.id}
    assert all(s.status is None and s.status_text == "Nog niet verzonden" for s in mine)
    assert plain.client_id is None
    view = demo_ctx.cases.view(case_id)
    assert linked.client_id == view.client.id
    assert demo_ctx.signals.mine(case_id=case_id) == mine
    demo_ctx.signals.view(linked.id)
    demo_ctx.signals.view(plain.id)
    with demo_ctx.db.session() as session:
        actions = [a for _at, _u, a in AuditRepository(session).for_client(view.client.id)]
    # reporting and reading the signal that names the client are in the access log; the
    # signal without a client is not about the client's file
    assert actions.count("signal.report") == 1 and actions.count("signal.read") == 1


def test_a_kill_after_saving_loses_nothing(tmp_path):
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import fill_demo

    ctx = AppContext.open(tmp_path / "profile", FakeClock(TODAY))
    fill_demo(ctx)
    saved = report(ctx, a_case(ctx))
    # no close(): the process ends here as if killed; the commit was the report's own
    ctx.db.engine.dispose()
    again = AppContext.open(tmp_path / "profile", FakeClock(TODAY))
    try:
        assert [s.id for s in again.signals.mine()] == [saved.id]
    finally:
        again.close()
        ctx.close()


def _publish_catalogue(server) -> None:
    from wmo_desk.server.records import publish_catalogue

    data = json.loads((resources_dir() / "catalogues" / "bno-o.json").read_text("utf-8"))
    with server.app.state.db.session_scope() as session:
        publish_catalogue(session, data)


def _meldpunt(server):
    from wmo_desk.server import auth

    with server.app.state.db.session_scope() as session:
        return auth.create_user(
            session, username="meld", password="correct horse battery",
            display_name="Meldpunt", role="meldpunt", municipality_code="0828",
        )  # fmt: skip


def _server_signals(server):
    from wmo_desk.server.models import SignalReport

    with server.app.state.db.session_scope() as session:
        return {
            str(s.id): (str(s.client_id) if s.client_id else None, s.status)
            for s in session.scalars(select(SignalReport))
        }


def test_sent_once_at_the_next_sync_and_the_status_comes_back(desktops, server):
    from wmo_desk.server.models import SignalStatusChange
    from wmo_desk.server.signals_api import change_status

    _publish_catalogue(server)
    desk = _meldpunt(server)
    sanne = desktops.open("sanne", demo=True)
    case_id = a_case(sanne)
    # offline: saved, not sent
    signal = report(sanne, case_id, link_client=True, consent_on=date(2026, 11, 21))
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    [mine] = sanne.signals.mine()
    assert mine.id == signal.id and mine.status is SignalStatus.ONTVANGEN
    assert mine.reporter_id == sanne.profile.user.id  # the server's id since the sign-in
    client_id = sanne.cases.view(case_id).client.id
    assert _server_signals(server) == {signal.id: (client_id, "ontvangen")}

    change_status(
        server.app.state.db,
        desk,
        uuid.UUID(signal.id),
        SignalStatus.TOEZICHT,
        "Overgedragen: mogelijk structureel.",
        datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
    )
    sanne.sync.sync()
    [mine] = sanne.signals.mine()
    assert mine.status is SignalStatus.TOEZICHT
    assert mine.status_text == "Overgedragen aan toezicht"
    with server.app.state.db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(SignalStatusChange)) == 2
    assert len(_server_signals(server)) == 1  # never sent twice


def test_a_refused_signal_is_kept_with_the_reason_and_not_sent_again(desktops, server):
    # the server has no catalogue for this municipality: the provider is unknown there
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    signal = report(sanne, a_case(sanne))
    sanne.sync.sync()
    [mine] = sanne.signals.mine()
    assert mine.id == signal.id and mine.status is None
    assert mine.status_text == "Geweigerd door de server"
    assert "catalogus" in mine.refused
    _publish_catalogue(server)
    sanne.sync.sync()
    assert _server_signals(server) == {}
