"""The regional office's page *Cliëntervaring* (/regio/clientervaring): the telephone
evaluations after the keukentafelgesprek per year, per question, municipality and provider, the
response, and the anonymised yearly CEO export as CSV.

Every count of 1 to 4 evaluations is shown as "< 5", and so is a share of fewer than 5 answers;
a count that would give a hidden one away by subtraction is hidden too (``suppression.protect``,
as on the monitor). The export has one row per completed evaluation with the year, the
municipality and the answers; a provider is named only when at least 5 completed evaluations of
the year share it, and no date finer than the year exists on the server at all.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from wmo_desk.domain.evaluations import FORM_ID, OUTCOME_LABELS, Outcome
from wmo_desk.domain.forms import FormDefinition, Question
from wmo_desk.formdefs.loader import latest
from wmo_desk.server import evaluations_api
from wmo_desk.server.models import EvaluationReport, User
from wmo_desk.server.web import monitoring as m
from wmo_desk.server.web import pages, sources, suppression, tables
from wmo_desk.server.web.tables import Cell, Table

router = APIRouter()

EXPERIENCE_ROLES = frozenset({"regio"})
#: the answers that count as agreeing, and the one that says the question did not apply
AGREE = ("helemaal_eens", "eens")
NO_OPINION = "weet_niet"
SHARE_NOTE = (
    "(Helemaal) mee eens: het deel van alle antwoorden op de vraag (ook „weet niet / n.v.t.”) "
    "dat „helemaal mee eens” of „mee eens” is. Met minder dan 5 antwoorden: „< 5”."
)
KEYS = ("respons", "vragen", "per-gemeente", "per-aanbieder")
#: column headers of the scale in the wide table (the form's labels are for reading out)
SHORT_SCALE = {
    "helemaal_eens": "Helemaal eens",
    "eens": "Eens",
    "neutraal": "Neutraal",
    "oneens": "Oneens",
    "helemaal_oneens": "Helemaal oneens",
    "weet_niet": "Weet niet",
}
#: question columns per part of the provider table on the page (the CSV has them all)
PART_COLUMNS = 5


@dataclass(frozen=True)
class Answered:
    """One stored evaluation as the page needs it."""

    municipality: str
    outcome: Outcome
    answers: dict[str, object]
    providers: tuple[str, ...]


def _load(request: Request, user: User, year: int) -> tuple[sources.Region, list[Answered]]:
    with request.app.state.db.session_scope() as db_session:
        region = sources.region_of(db_session, user.municipality_code)
        rows = db_session.execute(
            select(
                EvaluationReport.municipality_code,
                EvaluationReport.outcome,
                EvaluationReport.answers,
                EvaluationReport.provider_ids,
            ).where(
                EvaluationReport.municipality_code.in_(region.codes),
                EvaluationReport.year == year,
            )
        ).all()
    found = []
    for municipality, outcome, answers, providers in rows:
        found.append(
            Answered(
                region.former.get(municipality, municipality),
                Outcome(outcome),
                json.loads(answers or "{}"),
                tuple(json.loads(providers or "[]")),
            )
        )
    return region, found


def _form() -> FormDefinition | None:
    forms = list(evaluations_api._forms().values())
    return latest(forms, FORM_ID)


def _scale_questions(form: FormDefinition) -> list[Question]:
    return [
        q
        for s in form.sections
        for q in s.questions
        if {v for v, _ in q.options} >= {*AGREE, NO_OPINION}
    ]


def _other_questions(form: FormDefinition) -> list[Question]:
    scale = set(_scale_questions(form))
    return [q for s in form.sections for q in s.questions if q.options and q not in scale]


def _short(question: Question) -> str:
    """``Vraag 1`` for ``ceo.1``, ``Regio: vorm`` for ``regio.vorm``."""
    group, _, name = question.id.partition(".")
    if group == "ceo":
        return f"Vraag {name}"
    return f"Regio: {name.replace('_', ' ')}"


def _cells(counts: dict[tuple, int]) -> dict[tuple, Cell]:
    """Counts as cells: 1 to 4 as "< 5", and what would give such a cell away "afgeschermd"."""
    hidden = suppression.protect({k: n for k, n in counts.items() if n})
    cells = {}
    for key, n in counts.items():
        if m.suppressed(n):
            cells[key] = tables.SUPPRESSED_CELL
        elif key in hidden:
            cells[key] = tables.PROTECTED_CELL
        else:
            cells[key] = tables.count(n)
    return cells


def _share(answers: list[object]) -> Cell:
    """The share agreeing, of all answers: leaving "weet niet" out of the denominator would,
    with the number of answers shown, give a hidden count of "weet niet" away."""
    if not answers:
        return tables.NONE_CELL
    if len(answers) < m.MIN_CLIENTS:
        return tables.SUPPRESSED_CELL
    share = 100 * sum(1 for a in answers if a in AGREE) / len(answers)
    text = f"{share:.0f}".replace(".", ",")
    return Cell(f"{text}%", text, share)


def response_table(region: sources.Region, found: list[Answered]) -> Table:
    counts: dict[tuple, int] = defaultdict(int)
    for e in found:
        for key in suppression._margins((e.municipality,), (), (), (e.outcome.value,)):
            counts[key] += 1
    outcomes = list(Outcome)
    shown = {*region.municipalities, *(e.municipality for e in found)}
    for code in (*shown, None):
        for o in (*outcomes, None):
            counts.setdefault((code, None, None, o.value if o else None), 0)
    cells = _cells(dict(counts))
    rows = []
    ordered = sorted(shown, key=lambda c: region.municipalities.get(c, c).lower())
    for code in (*ordered, None):
        name = region.municipalities.get(code, f"Gemeente {code}") if code else "Regio"
        rows.append(
            (
                tables.label(name),
                *(cells[(code, None, None, o.value)] for o in outcomes),
                cells[(code, None, None, None)],
            )
        )
    return Table(
        key="respons",
        caption="Respons per gemeente",
        columns=("Gemeente", *(OUTCOME_LABELS[o] for o in outcomes), "Totaal"),
        rows=tuple(rows),
        note=tables._notes(
            rows, "Geen bereik: na drie pogingen niet bereikt. Per evaluatie één uitkomst."
        ),
    )


def questions_table(form: FormDefinition, found: list[Answered]) -> Table:
    completed = [e for e in found if e.outcome is Outcome.AFGEROND]
    scale = _scale_questions(form)
    options = scale[0].options if scale else ()
    rows = []
    for question in scale:
        given = [e.answers[question.id] for e in completed if question.id in e.answers]
        counts: dict[tuple, int] = {(None, None, None, None): len(given)}
        tally = Counter(given)
        for value, _ in options:
            counts[(None, None, None, value)] = tally.get(value, 0)
        cells = _cells(counts)
        rows.append(
            (
                tables.label(_short(question)),
                _share(given),
                cells[(None, None, None, None)],
                *(cells[(None, None, None, v)] for v, _ in options),
            )
        )
    return Table(
        key="vragen",
        caption="Antwoorden per vraag, hele regio",
        columns=(
            "Vraag",
            "(Helemaal) mee eens",
            "Antwoorden",
            *(SHORT_SCALE.get(v, label) for v, label in options),
        ),
        rows=tuple(rows),
        note=tables._notes(rows, SHARE_NOTE),
    )


def other_tables(form: FormDefinition, found: list[Answered]) -> list[Table]:
    """The questions with their own answers (who was present at the conversation)."""
    completed = [e for e in found if e.outcome is Outcome.AFGEROND]
    result = []
    for question in _other_questions(form):
        given = [e.answers[question.id] for e in completed if question.id in e.answers]
        counts: dict[tuple, int] = {(None, None, None, None): len(given)}
        tally = Counter(given)
        for value, _ in question.options:
            counts[(None, None, None, value)] = tally.get(value, 0)
        cells = _cells(counts)
        rows = [
            (tables.label(label), cells[(None, None, None, value)])
            for value, label in question.options
        ]
        rows.append((tables.label("Totaal"), cells[(None, None, None, None)]))
        result.append(
            Table(
                key=f"vraag-{question.id.replace('.', '-')}",
                caption=f"{_short(question)}. {question.label}",
                columns=("Antwoord", "Aantal"),
                rows=tuple(rows),
                note=tables._notes(rows),
            )
        )
    return result


def _share_table(
    key: str,
    caption: str,
    first: str,
    groups: dict[str, list[Answered]],
    names: dict[str, str],
    scale: list[Question],
    total: int,
) -> Table:
    # the counts with the region's total (shown in the response table) as their line, so no
    # "< 5" follows from the others
    counted = _cells(
        {(None, None, None, None): total}
        | {(None, None, g, None): len(members) for g, members in groups.items()}
    )
    rows = []
    for group in sorted(groups, key=lambda g: names.get(g, g).lower()):
        members = groups[group]
        rows.append(
            (
                tables.label(names.get(group, group)),
                counted[(None, None, group, None)],
                *(_share([e.answers[q.id] for e in members if q.id in e.answers]) for q in scale),
            )
        )
    return Table(
        key=key,
        caption=caption,
        columns=(first, "Afgerond", *(_short(q) for q in scale)),
        rows=tuple(rows),
        note=SHARE_NOTE,
    )


def parts(table: Table, fixed: int = 2, size: int = PART_COLUMNS) -> list[Table]:
    """``table`` in parts of ``size`` columns after the first ``fixed`` ones, so a wide table
    fits the page without scrolling sideways."""
    rest = range(fixed, len(table.columns))
    chunks = [list(rest[i : i + size]) for i in range(0, len(rest), size)]
    if len(chunks) <= 1:
        return [table]
    result = []
    for number, chunk in enumerate(chunks, 1):
        keep = [*range(fixed), *chunk]
        result.append(
            Table(
                key=f"{table.key}-{number}",
                caption=f"{table.caption}, deel {number} van {len(chunks)}",
                columns=tuple(table.columns[i] for i in keep),
                rows=tuple(tuple(row[i] for i in keep) for row in table.rows),
                note=table.note if number == len(chunks) else "",
            )
        )
    return result


def municipality_table(
    region: sources.Region, form: FormDefinition, found: list[Answered]
) -> Table:
    """Questions as rows, the region's municipalities as columns (a region has a handful)."""
    groups: dict[str, list[Answered]] = defaultdict(list)
    for e in found:
        if e.outcome is Outcome.AFGEROND:
            groups[e.municipality].append(e)
    codes = sorted(
        {*region.municipalities, *groups}, key=lambda c: region.municipalities.get(c, c).lower()
    )
    # how many completed per municipality is in the response table, with its protection
    rows = []
    for q in _scale_questions(form):
        rows.append(
            (
                tables.label(_short(q)),
                *(
                    _share([e.answers[q.id] for e in groups.get(c, []) if q.id in e.answers])
                    for c in codes
                ),
            )
        )
    return Table(
        key="per-gemeente",
        caption="(Helemaal) mee eens per gemeente",
        columns=("Vraag", *(region.municipalities.get(c, f"Gemeente {c}") for c in codes)),
        rows=tuple(rows),
        note=SHARE_NOTE,
    )


def provider_table(region: sources.Region, form: FormDefinition, found: list[Answered]) -> Table:
    groups: dict[str, list[Answered]] = defaultdict(list)
    for e in found:
        if e.outcome is Outcome.AFGEROND:
            for provider in e.providers:
                groups[provider].append(e)
    names = tables.Names(region.municipalities, {}, region.providers)
    return _share_table(
        "per-aanbieder",
        "(Helemaal) mee eens per aanbieder",
        "Aanbieder",
        groups,
        {p: names.provider(p) for p in groups},
        _scale_questions(form),
        sum(1 for e in found if e.outcome is Outcome.AFGEROND),
    )


def ceo_export(
    region: sources.Region, form: FormDefinition, found: list[Answered], year: int
) -> str:
    """One row per completed evaluation: year, municipality, provider (only where at least 5
    completed evaluations share it), the answers as their labels. Sorted on the values, so the
    order says nothing about when a call was made."""
    completed = [e for e in found if e.outcome is Outcome.AFGEROND]
    per_provider = Counter(p for e in completed for p in set(e.providers))
    names = tables.Names(region.municipalities, {}, region.providers)
    questions = [q for s in form.sections for q in s.questions if q.options]
    rows = []
    for e in completed:
        providers = sorted(
            names.provider(p) for p in set(e.providers) if per_provider[p] >= m.MIN_CLIENTS
        )
        labels = []
        for q in questions:
            value = e.answers.get(q.id)
            labels.append(next((label for v, label in q.options if v == value), ""))
        rows.append(
            (
                str(year),
                e.municipality,
                region.municipalities.get(e.municipality, ""),
                ", ".join(providers),
                *labels,
            )
        )
    rows.sort()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Jaar",
            "Gemeentecode",
            "Gemeente",
            "Aanbieder",
            *(f"{_short(q)}. {q.label}" for q in questions),
        ]
    )
    for row in rows:
        writer.writerow(tables._field(c) for c in row)
    return out.getvalue()


def _year(request: Request) -> tuple[int, str]:
    this_year = request.app.state.clock().date().year
    asked = request.query_params.get("jaar", "")
    if not asked:
        return this_year, ""
    if asked.isdigit() and len(asked) == 4 and 2015 <= int(asked) <= this_year:
        return int(asked), ""
    return this_year, "Kies een jaar uit de lijst."


def _all(request: Request, user: User, year: int):
    region, found = _load(request, user, year)
    form = _form()
    if form is None:
        return region, found, None, {}
    built = {
        "respons": response_table(region, found),
        "vragen": questions_table(form, found),
        "per-gemeente": municipality_table(region, form, found),
        "per-aanbieder": provider_table(region, form, found),
    }
    return region, found, form, built


@router.get("/clientervaring")
def experience(request: Request) -> Response:
    user = pages._guard(request, EXPERIENCE_ROLES)
    if not isinstance(user, User):
        return user
    year, error = _year(request)
    region, found, form, built = _all(request, user, year)
    this_year = request.app.state.clock().date().year
    return pages._render(
        request,
        "experience.html",
        422 if error else 200,
        user,
        active="clientervaring",
        region=region,
        year=year,
        years=list(range(this_year, max(2015, this_year - 6) - 1, -1)),
        error=error,
        tables=built,
        others=other_tables(form, found) if form else [],
        provider_parts=parts(built["per-aanbieder"]) if built else [],
        questions=_scale_questions(form) if form else [],
        short=_short,
        has_form=form is not None,
    )


def _download(text: str, name: str) -> Response:
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={**pages._HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/clientervaring/ceo-export.csv")
def ceo_csv(request: Request) -> Response:
    user = pages._guard(request, EXPERIENCE_ROLES)
    if not isinstance(user, User):
        return user
    year, error = _year(request)
    if error:
        return pages._error(request, 422, "Ongeldige keuze", error, user)
    region, found = _load(request, user, year)
    form = _form()
    if form is None:
        return pages._error(request, 404, "Niet gevonden", "De vragenlijst ontbreekt.", user)
    return _download(ceo_export(region, form, found, year), f"ceo-wmo-{year}.csv")


@router.get("/clientervaring/{key}.csv")
def table_csv(request: Request, key: str) -> Response:
    user = pages._guard(request, EXPERIENCE_ROLES)
    if not isinstance(user, User):
        return user
    if key not in KEYS:
        return pages._error(request, 404, "Niet gevonden", "Deze tabel bestaat niet.", user)
    year, error = _year(request)
    if error:
        return pages._error(request, 422, "Ongeldige keuze", error, user)
    *_, built = _all(request, user, year)
    if key not in built:
        return pages._error(request, 404, "Niet gevonden", "De vragenlijst ontbreekt.", user)
    return _download(tables.to_csv(built[key]), f"clientervaring-{key}-{year}.csv")
