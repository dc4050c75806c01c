"""From conversation to signed verslag: the PDF holds what was recorded; signing is the aanvraag."""

from __future__ import annotations

from datetime import date, timedelta

from pypdf import PdfReader

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.forms import QuestionType, missing_required
from wmo_desk.domain.results import CaseResult
from wmo_desk.domain.zrm import ZRM_DOMAINS, ZrmScore


def answer_for(question) -> object:
    """A valid invented answer for any required question."""
    kind = question.type
    if kind is QuestionType.YES_NO:
        return True
    if kind is QuestionType.SINGLE_CHOICE:
        return question.options[0][0]
    if kind is QuestionType.MULTIPLE_CHOICE:
        return [question.options[0][0]]
    if kind is QuestionType.DATE:
        return "2026-11-20"
    if kind is QuestionType.NUMBER:
        return int(question.min or 1)
    if kind is QuestionType.PEOPLE:
        return [{"name": "Kees Jansen", "relation": "buurman"}]
    return f"Antwoord op {question.label[:30]}"


def fill_required(form, answers: dict) -> dict:
    for _ in range(10):  # answering can reveal further required questions
        missing = missing_required(form, answers)
        if not missing:
            return answers
        for q in missing:
            answers[q.id] = answer_for(q)
    raise AssertionError("required questions keep appearing")


def test_verslag_pdf_contains_the_conversation_zrm_results_and_deadline(demo_ctx, tmp_path):
    ctx = demo_ctx
    flt = CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
    case_id = next(s.case_id for s in ctx.caseload.summaries(flt) if not s.on_hold)
    conversation, form = ctx.conversation.start(case_id)
    long_text = next(
        q
        for s in form.sections
        for q in s.questions
        if q.type is QuestionType.LONG_TEXT and q.required
    )
    answers = {long_text.id: "Mevrouw wil weer zelf boodschappen doen & koken <zonder hulp>."}
    answers = fill_required(form, answers)
    answers.update(
        {
            "gesprek.plaats": "elders",
            "gesprek.plaats_anders": "bij haar dochter in Uden",
            "conclusie.vervolg": "De consulent stuurt binnen twee weken het besluit.",
        }
    )
    assert ctx.conversation.complete(conversation.id, form, {}) != []  # incomplete: refused
    ctx.conversation.save_answers(conversation.id, answers, "")
    assert ctx.conversation.complete(conversation.id, form, answers) == []

    scores = tuple(
        ZrmScore(d, 3 if d == "Financiën" else None, "schulden" if d == "Financiën" else "")
        for d in ZRM_DOMAINS
    )
    ctx.assessment.add_zrm(case_id, ctx.clock.today() - timedelta(days=1), scores)
    product = next(p for p in ctx.catalogues.current().products if p.care_form == "dagbesteding")
    ctx.assessment.save_result(
        CaseResult(
            case_id,
            "dagbesteding",
            "Drie dagen per week dagbesteding",
            date(2027, 11, 30),
            product_code=product.code,
            volume=3,
            unit="16",
            frequency="2",
        )
    )

    ref = ctx.verslag.render(case_id)
    assert ref.kind == "verslag" and ref.case_id == case_id
    assert not (ctx.folder / "documents").exists()  # kept in the database, not as a file
    path = ctx.documents.open_copy(ref)
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "Mevrouw wil weer zelf boodschappen doen & koken <zonder hulp>." in flat
    assert "Financiën" in flat and "3 – beperkt zelfredzaam" in flat
    assert "Drie dagen per week dagbesteding" in flat
    assert (
        f"{product.name}, 3 dagdelen van 4 uur per week" in flat
    )  # the agreed omvang, as she reads it
    assert "30 november 2027" in flat
    assert "bij haar dochter in Uden" in flat
    assert "De consulent stuurt binnen twee weken het besluit." in flat
    assert "20 november 2026" in flat  # the answered date of the conversation
    for section in form.sections[:3]:
        assert section.title in flat
    assert "pagina 1 van" in flat

    # signing: the aanvraag, the case moves on and the 2-week decision term starts
    signed = ctx.clock.today()
    ctx.conversation.record_signed(case_id, conversation.id, signed)
    view = ctx.cases.view(case_id)
    assert view.case.stage is Stage.AANVRAAG and view.case.aanvraag_date == signed
    assert view.next_deadline.kind.value == "beslissing"
    assert (view.next_deadline.due - signed).days >= 14
    assert [e.text.split(":")[0] for e in view.timeline][-2:] == [
        "Fase gewijzigd",
        "Fase gewijzigd",
    ]


def test_same_case_same_day_gives_the_same_pdf_bytes(demo_ctx):
    ctx = demo_ctx
    flt = CaseloadFilter(municipality_code="0828", stage=Stage.ONDERZOEK)
    case_id = next(s.case_id for s in ctx.caseload.summaries(flt) if not s.on_hold)
    ctx.conversation.start(case_id)
    first = ctx.documents.open_copy(ctx.verslag.render(case_id)).read_bytes()
    second = ctx.documents.open_copy(ctx.verslag.render(case_id)).read_bytes()
    assert first == second
