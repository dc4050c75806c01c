"""The caseload query: light rows for the Mijn dossiers table, filtered and sorted in SQL."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, and_, case, column, func, or_, select, table
from sqlalchemy.orm import Session

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary, SearchTerms, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.storage.tables import CaseRow, ClientRow, UserRow

#: The process order, so sorting on stage follows the process and not the alphabet.
_STAGE_ORDER = case({stage.value: i for i, stage in enumerate(Stage)}, value=CaseRow.stage)

_SORT_COLUMNS = {
    SortKey.NAME: (CaseRow.sort_name,),
    SortKey.BSN: (ClientRow.bsn,),
    SortKey.STAGE: (_STAGE_ORDER,),
    SortKey.DEADLINE: (CaseRow.next_deadline.is_(None), CaseRow.next_deadline),
    SortKey.CONSULTANT: (UserRow.name,),
    SortKey.MELDING: (CaseRow.melding_date,),
}


#: objects migrations 0008 and 0011 make in SQL that the models do not describe (FTS5 and its
#: shadow tables, expression indexes): autogenerate and the model comparison leave these alone
SQL_ONLY_PREFIXES = ("client_search", "ix_caseload_")

#: the trigram index over what the text search reads (migration 0008), and its rowid per client
_SEARCH = table("client_search", column("rowid"), column("client_search"))
_SEARCH_KEYS = table("client_search_keys", column("id"), column("client_id"))

#: the trigram tokenizer finds substrings of at least this many characters
_TRIGRAM = 3


def is_sql_only(name: str | None) -> bool:
    """Whether the table or index ``name`` is one of :data:`SQL_ONLY_PREFIXES`."""
    return bool(name) and name.startswith(SQL_ONLY_PREFIXES)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_condition(terms: SearchTerms):
    """Search by name words, by (part of) a BSN, or by postcode (see :class:`SearchTerms`)."""
    options = []
    if terms.bsn_part is not None:
        options.append(ClientRow.bsn.like(f"%{terms.bsn_part}%"))
    if terms.postcode_prefix is not None:
        options.append(ClientRow.postcode.like(f"{terms.postcode_prefix}%"))
    if terms.words is not None:
        options.append(
            and_(
                *(
                    ClientRow.search_text.like(f"%{_like_escape(w)}%", escape="\\")
                    for w in terms.words
                )
            )
        )
    return or_(*options)


def _phrase(column_name: str, text: str) -> str:
    return f'{column_name} : "{text.replace(chr(34), chr(34) * 2)}"'


def _search_expression(terms: SearchTerms) -> str | None:
    """An FTS5 query over ``client_search`` that finds every client :func:`_text_condition`
    finds (and maybe more), or None when a part of that condition is too short for trigrams.

    Each option of the condition becomes a trigram phrase: a substring of the same column,
    matched case-insensitively, so it holds at least the rows the LIKE holds. Name words under
    three characters are left to the LIKE alone, as long as one word of the text is longer.
    """
    options = []
    if terms.bsn_part is not None:
        if len(terms.bsn_part) < _TRIGRAM:
            return None
        options.append(_phrase("bsn", terms.bsn_part))
    if terms.postcode_prefix is not None:
        options.append(_phrase("postcode", terms.postcode_prefix))
    if terms.words is not None:
        words = [w for w in terms.words if len(w) >= _TRIGRAM]
        if not words:
            return None
        options.append(" AND ".join(_phrase("name", w) for w in words))
    return " OR ".join(f"({o})" for o in options)


def caseload_query(flt: CaseloadFilter) -> Select:
    """The ordered case ids behind the caseload (exposed for benchmarks and EXPLAIN).

    Without search text, sorted on deadline or name, it reads ``cases`` alone: the client's
    sort name is copied onto each case (migration 0011), so the list comes out of one scan of
    ``ix_caseload_cases_mine``/``_team``. Clients and users are joined only for what reads them
    (the search, sorting on BSN or consultant); every case has both (foreign keys, enforced on
    every connection), so leaving a join out drops no row."""
    terms = SearchTerms.parse(flt.text)
    query = select(CaseRow.id).where(
        CaseRow.deleted.is_(False), CaseRow.municipality_code == flt.municipality_code
    )
    if terms is not None or flt.sort is SortKey.BSN:
        query = query.join(ClientRow, ClientRow.id == CaseRow.client_id)
    if flt.sort is SortKey.CONSULTANT:
        query = query.join(UserRow, UserRow.id == CaseRow.consultant_id)
    if flt.consultant_id:
        query = query.where(CaseRow.consultant_id == flt.consultant_id)
    if flt.stage is not None:
        query = query.where(CaseRow.stage == flt.stage.value)
    elif not flt.include_closed:
        query = query.where(CaseRow.stage != Stage.AFGESLOTEN.value)
    if terms is not None:
        expression = _search_expression(terms)
        if expression is not None:
            # the index narrows the clients down; the condition keeps exactly today's matches
            query = query.where(
                CaseRow.client_id.in_(
                    select(_SEARCH_KEYS.c.client_id)
                    .join(_SEARCH, _SEARCH.c.rowid == _SEARCH_KEYS.c.id)
                    .where(_SEARCH.c.client_search.match(expression))
                )
            )
        query = query.where(_text_condition(terms))
    columns = _SORT_COLUMNS[flt.sort]
    order = [
        c.desc() if flt.descending and i == len(columns) - 1 else c for i, c in enumerate(columns)
    ]
    return query.order_by(*order, CaseRow.sort_name, CaseRow.id)


_ROW_COLUMNS = (
    CaseRow.id,
    ClientRow.sort_name,
    ClientRow.bsn,
    ClientRow.postcode,
    CaseRow.stage,
    CaseRow.on_hold,
    CaseRow.next_deadline,
    CaseRow.next_deadline_kind,
    UserRow.name,
    CaseRow.melding_date,
)


class CaseloadRepository:
    """Reads the caseload as ordered ids, and row details only for the ids asked for.

    Sorting and filtering 50,000 cases is one index-backed query returning ids; the table
    then asks for the details of the few rows on screen, a page at a time.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def _rows(self, query: Select) -> Iterator[tuple]:
        # straight from the driver's cursor: a reload is 50,000 plain strings, and building a
        # SQLAlchemy result for them took as long as the query (every parameter is a string)
        connection = self._session.connection()
        compiled = query.compile(dialect=connection.dialect)
        params = [compiled.params[name] for name in compiled.positiontup or ()]
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            yield from cursor.execute(compiled.string, params)
        finally:
            cursor.close()

    def case_ids(self, flt: CaseloadFilter) -> list[str]:
        """The ids of the cases ``flt`` selects, in its order (the SQL query, search included)."""
        return [row[0] for row in self._rows(caseload_query(flt))]

    def search_fields(self) -> dict[str, tuple[str, str, str]]:
        """What the text search reads of each case's client, by case id: the name text, the
        BSN and the postcode, folded as SQLite's LIKE compares them (see
        :func:`wmo_desk.domain.caseload.like_fold`): the in-memory search reads these."""
        # SQLite's own lower() folds ASCII letters only, as its LIKE does (and as like_fold
        # does); in SQL it costs a third of folding 150,000 strings in Python
        clients = select(
            ClientRow.id,
            func.lower(ClientRow.search_text),
            func.lower(ClientRow.bsn),
            func.lower(ClientRow.postcode),
        )
        by_client = {row[0]: row[1:] for row in self._rows(clients)}
        # two scans joined here: joining in SQL reads every client row by its key, 3 x slower
        cases = select(CaseRow.id, CaseRow.client_id).where(CaseRow.deleted.is_(False))
        return {
            row[0]: found
            for row in self._rows(cases)
            if (found := by_client.get(row[1])) is not None
        }

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        """Caseload rows of ``case_ids`` (any order), keyed by case id."""
        rows = self._session.execute(
            select(*_ROW_COLUMNS)
            .join(ClientRow, ClientRow.id == CaseRow.client_id)
            .join(UserRow, UserRow.id == CaseRow.consultant_id)
            .where(CaseRow.id.in_(case_ids))
        ).all()
        return {
            r[0]: CaseSummary(
                case_id=r[0],
                client_name=r[1],
                bsn=r[2],
                postcode=r[3],
                stage=Stage(r[4]),
                on_hold=bool(r[5]),
                deadline=r[6],
                deadline_kind=DeadlineKind(r[7]) if r[7] else None,
                consultant_name=r[8],
                melding_date=r[9],
            )
            for r in rows
        }

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        """Every row of the caseload in order (for small lists and tests)."""
        ids = self.case_ids(flt)
        found = self.summaries_for(ids)
        return [found[i] for i in ids]
