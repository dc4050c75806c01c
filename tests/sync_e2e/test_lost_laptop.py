"""A lost laptop leaks nothing: after the demo, a sign-in, a sync, a verslag made and opened, a
backup and the logs written, no file in the profile folder holds a demo client's BSN or surname
— neither as UTF-8 nor as UTF-16."""

from __future__ import annotations

import logging

from sqlalchemy import text

from tests.privacy import readable
from wmo_desk.__main__ import _setup_logging
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.services.context import AppContext


def needles_of(ctx) -> set[str]:
    """Every demo client's BSN (also as typed with spaces), surname, sort name and search text.

    A surname shorter than six letters ("Bos") is looked for only inside the longer values: in
    megabytes of ciphertext any given three or four bytes occur by chance."""
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT bsn, surname, sort_name, search_text FROM clients")).all()
    found = set()
    for bsn, surname, sort_name, search_text in rows:
        found |= {bsn, f"{bsn[:4]} {bsn[4:6]} {bsn[6:]}", sort_name, search_text}
        if len(surname) >= 6:
            found.add(surname)
    return found


def test_no_file_of_the_profile_holds_a_bsn_or_a_surname(desktops, server, clock):
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    sanne = desktops.open("sanne", demo=True)
    folder = sanne.folder
    _setup_logging(folder, verbose=False)
    try:
        desktops.sign_in(sanne, "sanne")
        report = sanne.sync.sync()
        assert report.pushed > 0 and report.refused == 0
        needles = needles_of(sanne)
        assert len(needles) >= 60

        ids = sanne.caseload.case_ids(
            CaseloadFilter(municipality_code="0828", consultant_id=sanne.profile.user.id)
        )
        assert ids
        sanne.caseload.case_ids(
            CaseloadFilter(municipality_code="0828", text=sorted(needles)[0], stage=None)
        )
        talked = next(
            s.case_id
            for s in sanne.caseload.summaries(
                CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
            )
            if not s.on_hold
        )
        sanne.cases.view(talked)
        sanne.conversation.start(talked)
        copy = sanne.documents.open_copy(sanne.verslag.render(talked))
        assert copy.exists() and copy.parent.name == "geopend"
        logging.getLogger("wmo_desk.test").info("a line in the log")
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                handler.close()
                root.removeHandler(handler)
        root.setLevel(level)

    # the laptop as a finder gets it: with the app running ...
    open_hits = [h for h in readable(folder, needles) if not h.startswith("geopend/")]
    assert open_hits == []
    sanne.close()
    desktops.opened.remove(sanne)
    # ... and after it closed: the opened copy is gone too; the next start backs up the day
    assert not list((folder / "geopend").glob("*"))
    again = AppContext.open(folder, clock)
    assert again.profile is not None
    again.close()
    written = {p.relative_to(folder).parts[0] for p in folder.rglob("*") if p.is_file()}
    assert {"wmo_desk.sqlite", "backups", "logs", "profiel.json"} <= written
    assert readable(folder, needles) == []
