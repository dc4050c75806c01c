"""What the access log records of a consultant's reads: lists and searches with their number of
results, case files opened, BSN look-ups — and never the search text or the BSN itself."""

from __future__ import annotations

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.storage.repositories.audit import AuditRepository


def entries(ctx, *actions):
    with ctx.db.session() as session:
        return [e for e in AuditRepository(session).entries() if e.action in actions]


def test_lists_searches_and_look_ups_are_logged_without_what_was_typed(demo_ctx):
    ctx = demo_ctx
    user = ctx.profile.user
    mine = CaseloadFilter(municipality_code="0828", consultant_id=user.id)
    ids = ctx.caseload.case_ids(mine)
    ctx.caseload.case_ids(mine)  # the same list repainted: logged once
    with ctx.db.engine.connect() as conn:
        bsn, surname = conn.exec_driver_sql("SELECT bsn, surname FROM clients LIMIT 1").one()
    found = ctx.caseload.case_ids(CaseloadFilter(municipality_code="0828", text=surname))
    ctx.caseload.case_ids(CaseloadFilter(municipality_code="0828"))  # the whole team
    client = ctx.intake.find_client(bsn)
    assert client is not None
    ctx.cases.view(ids[0])

    logged = entries(
        ctx, "caseload.list", "caseload.search", "team.list", "bsn.lookup", "case.read"
    )
    assert [(e.action, e.detail) for e in logged[:4]] == [
        ("caseload.list", f"{len(ids)} resultaten"),
        ("caseload.search", f"{len(found)} resultaten"),
        ("team.list", logged[2].detail),
        ("bsn.lookup", "cliënt gevonden"),
    ]
    assert logged[3].client_id == client.id
    assert logged[-1].action == "case.read" and logged[-1].case_id == ids[0]
    assert all(e.user_id == user.id for e in logged)
    for entry in logged:
        assert surname not in entry.detail and bsn not in entry.detail
        assert bsn not in (entry.object_id or "")


def test_the_chain_of_a_working_session_is_intact(demo_ctx):
    ctx = demo_ctx
    ids = ctx.caseload.case_ids(CaseloadFilter(municipality_code="0828"))
    for case_id in ids[:5]:
        ctx.cases.view(case_id)
    with ctx.db.session() as session:
        audit = AuditRepository(session)
        assert audit.verify() is None
        seqs = [e.seq for e in audit.entries()]
    assert seqs == list(range(1, len(seqs) + 1))


def test_every_action_the_services_log_has_a_dutch_label():
    """An inzage report never shows a developer's action name."""
    import re
    from pathlib import Path

    from wmo_desk.domain.audit import action_label

    root = Path(__file__).resolve().parents[2] / "wmo_desk"
    found = set()
    for path in [*root.glob("services/*.py"), *root.glob("storage/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"\.record\(\s*[^,]+,\s*f?\"([a-z_.{}]+)\"", text):
            found.add(call.group(1))
        for call in re.finditer(r"_apply\(\s*\w+,\s*f?\"([a-z_.{}]+)\"", text):
            found.add(call.group(1))
        # the team overviews log their lists through a helper that counts the rows
        for call in re.finditer(r"\._log\(\s*\w+,\s*\"([a-z_.]+)\"", text):
            found.add(call.group(1))
    assert {"case.read", "bsn.lookup", "case.hold", "herindicatie.list", "approval.list"} <= found
    for action in sorted(found):
        probe = action.replace("{target.value}", "onderzoek")
        assert action_label(probe) != probe, f"no Dutch label for {action}"


def test_reads_logged_while_another_thread_writes_keep_one_intact_chain(demo_ctx):
    """The GUI opens files while the sync writes in long transactions: no read fails, no entry
    is lost, and the chain has no fork or gap."""
    import threading
    import time

    from wmo_desk.storage.repositories.settings import SettingsRepository

    ctx = demo_ctx
    ids = ctx.caseload.case_ids(CaseloadFilter(municipality_code="0828"))
    before = len(entries(ctx, "case.read"))
    stop = threading.Event()
    failures: list[BaseException] = []

    def long_writes() -> None:
        n = 0
        while not stop.is_set():
            try:
                with ctx.db.session() as session:
                    SettingsRepository(session).set("bench", str(n))
                    session.flush()  # holds SQLite's write lock ...
                    time.sleep(0.03)  # ... for a while, like a sync applying a page
                n += 1
                time.sleep(0.01)  # and fetches the next page
            except BaseException as exc:
                failures.append(exc)
                return

    writer = threading.Thread(target=long_writes)
    writer.start()
    try:
        for case_id in ids[:15] * 2:
            ctx.cases.view(case_id)
    finally:
        stop.set()
        writer.join()
    assert failures == []
    ctx.db.audit.flush()  # what waited for the lock is written now (at the latest when closing)
    assert len(entries(ctx, "case.read")) == before + 30
    with ctx.db.session() as session:
        audit = AuditRepository(session)
        assert audit.verify() is None
        seqs = [e.seq for e in audit.entries()]
    assert seqs == list(range(1, len(seqs) + 1))
