"""The caseload (Mijn dossiers) for the signed-in user."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary, SearchRows, SearchTerms
from wmo_desk.services.clock import Clock
from wmo_desk.storage.database import Database, DatabaseClosed
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.cases import CaseRepository

#: the same list with the same number of results within this time is logged once
REPEAT_SECONDS = 5.0

#: search results kept per list (typing back to an earlier text finds it again)
KEPT_SEARCHES = 64


@dataclass
class _Whole:
    """One list without search text (``flt``), and the searches made in it so far."""

    flt: CaseloadFilter
    ids: list[str]
    rows: SearchRows | None = None
    #: positions in ``ids`` (ascending) that each search found
    found: dict[SearchTerms, list[int]] = field(default_factory=dict)

    def search(self, terms: SearchTerms, fields: dict[str, tuple[str, str, str]]) -> list[str]:
        """The ids ``terms`` find, refining the smallest earlier result they narrow."""
        found = self.found.get(terms)
        if found is None:
            if self.rows is None:
                self.rows = SearchRows.of(self.ids, fields)
            earlier = [f for t, f in self.found.items() if terms.narrows(t)]
            within = min(earlier, key=len) if earlier else None
            if len(self.found) >= KEPT_SEARCHES:
                self.found.clear()
            found = self.found[terms] = terms.select(self.rows, within)
        ids = self.ids
        return [ids[i] for i in found]


class CaseloadService:
    """Reads caseload rows; keeps stored deadlines fresh once a day.

    A search is worked out in memory from the list without text: that list keeps its order,
    so the search keeps the rows that match (:meth:`SearchTerms.select`, the same condition
    the SQL query applies). The list, and what the search reads of every client, are read
    once and kept until a read asks for ``fresh`` data; the caseload screen does so whenever
    something changed, so only typing (and sorting or filtering again) uses what is kept.
    Reading the search fields takes a while at 50,000 clients: :meth:`prepare_search` starts
    it in the background when the user goes to the search field.
    """

    def __init__(self, db: Database, clock: Clock, user_id: str) -> None:
        self._db = db
        self._clock = clock
        self._user_id = user_id
        self._refreshed_on = None
        self._last_logged: tuple[str, int, float] | None = None
        self._whole: _Whole | None = None
        self._fields: dict[str, tuple[str, str, str]] | None = None
        # guards _whole, _fields, _generation and _preparing (a read in the background)
        self._lock = threading.Lock()
        self._generation = 0  # one more at every forget: a read begun before is stale
        self._preparing: tuple[threading.Thread, int] | None = None

    def _log(self, session, flt: CaseloadFilter, count: int) -> None:
        """Every list and search goes into the access log, with the number of results (the
        search text itself may be a name, so it is not kept)."""
        if flt.text.strip():
            action = "caseload.search"
        elif flt.consultant_id is None:
            action = "team.list"
        else:
            action = "caseload.list"
        # a repaint or refresh of the same list seconds later is the same look, logged once
        now = time.monotonic()
        last = self._last_logged
        if last is not None and last[:2] == (action, count) and now - last[2] < REPEAT_SECONDS:
            return
        self._last_logged = (action, count, now)
        AuditRepository(session).record(
            self._user_id, action, None, None, detail=f"{count} resultaten"
        )

    def _refresh(self, session) -> None:
        today = self._clock.today()
        if self._refreshed_on != today:
            CaseRepository(session).refresh_deadlines(today)
            self._refreshed_on = today

    def forget(self) -> None:
        """Drop the kept list and search fields: the next read goes to the database."""
        with self._lock:
            self._whole = None
            self._fields = None
            self._generation += 1

    def prepare_search(self, flt: CaseloadFilter) -> None:
        """Read in the background what searches in ``flt``'s list read (the list without
        text, the search fields of every case, and those of the list's cases in its order),
        unless it is kept or being read. The search field calls this when it gets the focus
        or a keystroke."""
        whole_flt = replace(flt, text="")
        with self._lock:
            if self._preparing_now() is not None:
                return
            whole = self._whole
            if whole is None or whole.flt != whole_flt:
                whole = None
            elif self._fields is not None and whole.rows is not None:
                return
            thread = threading.Thread(
                target=self._prepare,
                args=(self._generation, whole_flt, whole, self._fields),
                name="caseload-search",
                daemon=True,
            )
            self._preparing = (thread, self._generation)
        thread.start()

    def _preparing_now(self) -> threading.Thread | None:
        if self._preparing is None:
            return None
        thread, generation = self._preparing
        return thread if generation == self._generation and thread.is_alive() else None

    def _prepare(
        self,
        generation: int,
        whole_flt: CaseloadFilter,
        whole: _Whole | None,
        fields: dict[str, tuple[str, str, str]] | None,
    ) -> None:
        try:
            with self._db.session() as session:
                # a connection of its own, closed afterwards: a second pooled one would take
                # turns with the screen's, and the scans would push the caseload's indexes out
                # of that one's page cache
                session.connection().detach()
                repo = CaseloadRepository(session)
                ids = whole.ids if whole is not None else repo.case_ids(whole_flt)
                if fields is None:
                    fields = repo.search_fields()
        except DatabaseClosed:
            return  # the profile closed meanwhile: nobody searches any more
        rows = SearchRows.of(ids, fields)
        with self._lock:
            if generation != self._generation:
                return  # something changed while reading: what was read may be stale
            if self._fields is None:
                self._fields = fields
            if whole is None:
                whole = _Whole(whole_flt, ids)
            if whole.rows is None:
                whole.rows = rows
            if self._whole is None or self._whole.flt != whole_flt:
                self._whole = whole

    def _prepared(self) -> bool:
        """Whether the search fields are kept, after waiting for a read under way."""
        with self._lock:
            thread = self._preparing_now()
        if thread is not None:
            thread.join()
        with self._lock:
            return self._fields is not None

    def case_ids(self, flt: CaseloadFilter, *, fresh: bool = True) -> list[str]:
        """The ids of the cases ``flt`` selects, in its order.

        With ``fresh`` (the default) everything is read again; without, a list or search kept
        from earlier reads is used when it is the same list (see the class). A search before
        the search fields are kept is the SQL query's (with its trigram index); it starts
        reading them in the background for the next keystrokes."""
        with self._db.session() as session:
            if fresh or self._refreshed_on != self._clock.today():
                self.forget()
            self._refresh(session)
            repo = CaseloadRepository(session)
            terms = SearchTerms.parse(flt.text)
            if terms is not None and not self._prepared():
                ids = repo.case_ids(flt)
                self.prepare_search(flt)
            else:
                whole_flt = replace(flt, text="")
                with self._lock:
                    whole = self._whole
                if whole is None or whole.flt != whole_flt:
                    whole = _Whole(whole_flt, repo.case_ids(whole_flt))
                    with self._lock:
                        self._whole = whole
                if terms is None:
                    ids = list(whole.ids)
                else:
                    assert self._fields is not None  # _prepared(), and forget() is ours
                    ids = whole.search(terms, self._fields)
            self._log(session, flt, len(ids))
            return ids

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        """The caseload rows of ``case_ids``, keyed by id."""
        with self._db.session() as session:
            return CaseloadRepository(session).summaries_for(case_ids)

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        with self._db.session() as session:
            self._refresh(session)
            rows = CaseloadRepository(session).summaries(flt)
            self._log(session, flt, len(rows))
            return rows
