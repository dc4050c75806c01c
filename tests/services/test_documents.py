"""Documents live only inside the database: temporary copies to view, exports, the access log,
and the conversion of an old profile's documents folder."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import update

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision
from wmo_desk.domain.documents import DocumentSource
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.documents import StoredDocumentRepository
from wmo_desk.storage.tables import StoredDocumentRow

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def a_case(ctx, stage: Stage = Stage.ONDERZOEK, index: int = 0) -> str:
    summaries = ctx.caseload.summaries(CaseloadFilter("0828", stage=stage))
    return [s.case_id for s in summaries if not s.on_hold][index]


def made_verslag(ctx):
    case_id = a_case(ctx)
    ctx.conversation.start(case_id)
    return ctx.verslag.render(case_id)


def final_decision(ctx, index: int = 0):
    """A decision approved by the team lead, with its beschikking, toewijzing and WMO301."""
    case_id = a_case(ctx, Stage.AANVRAAG, index)
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    catalogue = ctx.catalogues.current()
    product = next(
        c
        for c in ranked[0].provider.product_codes
        if catalogue.product(c).care_form == "dagbesteding"
    )
    consultant = ctx.profile
    d = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    provision = Provision(
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
    d = ctx.decisions.submit(ctx.decisions.save(d, provisions=(provision,)))
    lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    ctx.activate(replace(consultant, user=lead))
    final = ctx.decisions.approve(d)
    ctx.activate(consultant)
    return final


def log_entries(ctx, action: str):
    with ctx.db.session() as session:
        return [e for e in AuditRepository(session).entries() if e.action == action]


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_the_verslag_is_kept_in_the_database_and_logged_as_made(demo_ctx):
    ctx = demo_ctx
    ref = made_verslag(ctx)
    assert ref.source is DocumentSource.VERSLAG and ref.filename.startswith("verslag-")
    with ctx.db.session() as session:
        stored = StoredDocumentRepository(session).get(ref.id)
    assert stored is not None and stored.content.startswith(b"%PDF")
    assert stored.created_by == ctx.profile.user.id
    assert not (ctx.folder / "documents").exists()
    assert not any(p.suffix == ".pdf" for p in ctx.folder.rglob("*"))  # no PDF in the profile
    [made] = log_entries(ctx, "document.make")
    assert (made.case_id, made.client_id, made.object_id) == (ref.case_id, ref.client_id, ref.id)
    assert made.detail == "verslag"
    assert ctx.documents.latest(ref.case_id, "verslag") == ref


@posix_only
def test_open_copy_lies_in_a_private_folder_and_is_logged_as_viewed(demo_ctx):
    ctx = demo_ctx
    ref = made_verslag(ctx)
    path = ctx.documents.open_copy(ref)
    assert path.parent == ctx.folder / "geopend" and path.name == ref.filename
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"%PDF")
    [viewed] = log_entries(ctx, "document.view")
    client = ctx.cases.view(ref.case_id).client
    assert viewed.client_id == client.id and viewed.case_id == ref.case_id
    assert viewed.user_id == ctx.profile.user.id and viewed.detail == "verslag"
    assert client.bsn not in viewed.detail and str(path) not in viewed.detail


def test_a_damaged_document_is_not_opened(demo_ctx):
    ctx = demo_ctx
    ref = made_verslag(ctx)
    with ctx.db.session() as session:
        session.execute(
            update(StoredDocumentRow).where(StoredDocumentRow.id == ref.id).values(content=b"x")
        )
    with pytest.raises(UserError) as raised:
        ctx.documents.open_copy(ref)
    assert raised.value.title == "Document beschadigd"
    assert files_in(ctx.folder / "geopend") == [] and log_entries(ctx, "document.view") == []


def test_save_as_writes_the_exact_bytes_and_is_logged_as_exported(demo_ctx, tmp_path):
    ctx = demo_ctx
    ref = made_verslag(ctx)
    with ctx.db.session() as session:
        content = StoredDocumentRepository(session).get(ref.id).content
    target = tmp_path / "elders" / "mijn verslag.pdf"
    target.parent.mkdir()
    target.write_bytes(b"an older file there")
    assert ctx.documents.save_as(ref, target) == target
    assert target.read_bytes() == content
    assert files_in(target.parent) == ["mijn verslag.pdf"]  # no temporary file left
    [exported] = log_entries(ctx, "document.export")
    assert exported.detail == "verslag" and exported.client_id == ref.client_id

    with pytest.raises(UserError) as raised:
        ctx.documents.save_as(ref, tmp_path / "bestaat-niet" / "x.pdf")
    assert raised.value.title == "Opslaan mislukt"
    assert len(log_entries(ctx, "document.export")) == 1

    ctx.documents.log_print(ref)
    [printed] = log_entries(ctx, "document.print")
    assert printed.object_id == ref.id


def test_decision_documents_open_checked_and_logged_by_kind(demo_ctx):
    ctx = demo_ctx
    final = final_decision(ctx)
    refs = ctx.documents.for_decision(final.id)
    assert refs[0].kind == "beschikking" and {r.source for r in refs} == {DocumentSource.DECISION}
    assert {r.kind.split("-")[0] for r in refs} == {"beschikking", "toewijzing", "wmo301"}
    stored = {k: c for k, _f, c in ctx.decisions.documents(final.id)}
    for ref in refs:
        assert ctx.documents.open_copy(ref).read_bytes() == stored[ref.kind]
    details = sorted(e.detail for e in log_entries(ctx, "document.view"))
    assert details == ["beschikking", "toewijzing", "wmo301"]
    assert {e.client_id for e in log_entries(ctx, "document.view")} == {refs[0].client_id}


def test_clean_open_copies_empties_the_folder_at_close_and_start(demo_ctx):
    ctx = demo_ctx
    ref = made_verslag(ctx)
    first = ctx.documents.open_copy(ref)
    second = ctx.documents.open_copy(ref)  # the same name again: the old copy goes first
    assert first == second and files_in(ctx.folder / "geopend") == [ref.filename]
    (ctx.folder / "geopend" / "sub").mkdir()
    (ctx.folder / "geopend" / "sub" / "left.pdf").write_bytes(b"%PDF from a crashed session")
    assert ctx.documents.clean_open_copies() == 2
    assert files_in(ctx.folder / "geopend") == []
    assert ctx.documents.clean_open_copies() == 0


def test_old_documents_folder_is_imported_once_and_removed(demo_ctx, caplog):
    ctx = demo_ctx
    case_id = a_case(ctx)
    old = ctx.folder / "documents"
    old.mkdir()
    (old / f"verslag-{case_id[:8]}-2026-10-01.pdf").write_bytes(b"%PDF-1.4 oud verslag")
    (old / f"verslag-{case_id[:8]}-2026-10-02.tmp").write_bytes(b"%PDF-1.4 half")
    (old / "verslag-ffffffff-2026-10-01.pdf").write_bytes(b"%PDF-1.4 geen dossier")
    (old / "beschikking-WMO-0828-2026-000001.pdf").write_bytes(b"%PDF-1.4 brief")
    caplog.set_level("INFO", logger="wmo_desk.services.documents")

    assert ctx.documents.import_old_documents() == 1
    assert not old.exists()
    with ctx.db.session() as session:
        [stored] = StoredDocumentRepository(session).for_case(case_id)
    assert stored.content == b"%PDF-1.4 oud verslag" and stored.kind == "verslag"
    assert stored.filename == f"verslag-{case_id[:8]}-2026-10-01.pdf"
    [message] = [r.getMessage() for r in caplog.records if r.name == "wmo_desk.services.documents"]
    assert "1 verslagen imported, 1 without a case left out" in message
    assert "ffffffff" not in message and case_id[:8] not in message

    assert ctx.documents.import_old_documents() == 0  # idempotent
    ctx.activate(ctx.profile)  # the context converts when it opens a profile
    with ctx.db.session() as session:
        assert len(StoredDocumentRepository(session).for_case(case_id)) == 1


def test_an_interrupted_conversion_does_not_import_twice(demo_ctx):
    ctx = demo_ctx
    case_id = a_case(ctx)
    old = ctx.folder / "documents"
    old.mkdir()
    name = f"verslag-{case_id[:8]}-2026-10-01.pdf"
    (old / name).write_bytes(b"%PDF-1.4 oud verslag")
    ctx.documents.import_old_documents()
    old.mkdir()  # as if the files had not yet been removed
    (old / name).write_bytes(b"%PDF-1.4 oud verslag")
    assert ctx.documents.import_old_documents() == 0
    assert not old.exists()


@posix_only
def test_shred_overwrites_the_content_before_removing(tmp_path):
    from wmo_desk.services.documents import shred

    path = tmp_path / "copy.pdf"
    path.write_bytes(b"%PDF vertrouwelijk" * 5000)
    other_name = tmp_path / "same-file"
    os.link(path, other_name)  # a second name for the same blocks shows what shred wrote
    shred(path)
    assert not path.exists()
    assert other_name.read_bytes() == bytes(len(b"%PDF vertrouwelijk" * 5000))
