"""Conversation form definitions: sections, typed questions, conditions and required answers.

A definition is data (YAML files in ``forms/``, read by :mod:`wmo_desk.formdefs`); this module
knows what a definition means: which questions show for the answers given so far, which
required answers are missing, how far the conversation is. Answers are a plain dict keyed by
question id with JSON-compatible values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

#: The fields of one person in a ``people`` answer (network members, mantelzorgers).
PERSON_FIELDS: tuple[str, ...] = ("name", "relation", "phone", "role", "notes")


class QuestionType(StrEnum):
    """What kind of answer a question takes."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    DATE = "date"
    NUMBER = "number"
    PEOPLE = "people"


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})


@dataclass(frozen=True)
class Condition:
    """Show something only when an earlier answer says so.

    Exactly one of ``equals``, ``one_of`` or ``is_answered`` is used. For a multiple-choice
    answer ``equals`` means "contains" and ``one_of`` means "contains any of".
    """

    question: str
    equals: object = None
    one_of: tuple[object, ...] = ()
    is_answered: bool | None = None

    def holds(self, answer: object) -> bool:
        if self.is_answered is not None:
            return has_answer(answer) == self.is_answered
        if not has_answer(answer):
            return False
        given = answer if isinstance(answer, list) else [answer]
        if self.one_of:
            return any(v in self.one_of for v in given)
        return self.equals in given


@dataclass(frozen=True)
class Question:
    """One question of a form; ``line`` is where it stands in its file, for messages."""

    id: str
    label: str
    type: QuestionType
    help: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    condition: Condition | None = None
    min: float | None = None
    max: float | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Section:
    """A group of questions on one page of the wizard."""

    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    condition: Condition | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class FormDefinition:
    """A versioned conversation form."""

    form_id: str
    version: str
    title: str
    sections: tuple[Section, ...]
    source: str = field(default="", compare=False)
    questions_by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.questions_by_id.update({q.id: q for s in self.sections for q in s.questions})

    def question(self, question_id: str) -> Question | None:
        return self.questions_by_id.get(question_id)


def has_answer(value: object) -> bool:
    """None, an empty string and an empty list are no answer; ``False`` is an answer."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return True


def _shown(
    condition: Condition | None, form: FormDefinition, answers: dict, seen: frozenset = frozenset()
) -> bool:
    """A condition holds, and the question it refers to is itself shown (chained hiding)."""
    if condition is None:
        return True
    if condition.question in seen:
        return False
    source = form.question(condition.question)
    if source is None:
        return False
    section = next(s for s in form.sections if source in s.questions)
    if not _shown(section.condition, form, answers, seen | {condition.question}):
        return False
    if not _shown(source.condition, form, answers, seen | {condition.question}):
        return False
    return condition.holds(answers.get(condition.question))


def visible_sections(form: FormDefinition, answers: dict) -> list[Section]:
    """The sections shown for ``answers``, in form order."""
    return [s for s in form.sections if _shown(s.condition, form, answers)]


def visible_questions(
    section: Section, answers: dict, form: FormDefinition | None = None
) -> list[Question]:
    """The questions of ``section`` shown for ``answers``.

    Without ``form`` only conditions within the section's own questions can be followed;
    the wizard and the checks below always pass the form.
    """
    if form is None:
        form = FormDefinition("", "", "", (section,))
    return [q for q in section.questions if _shown(q.condition, form, answers)]


def missing_required(form: FormDefinition, answers: dict) -> list[Question]:
    """Required questions that are shown but have no answer, in form order."""
    return [
        q
        for s in visible_sections(form, answers)
        for q in visible_questions(s, answers, form)
        if q.required and not has_answer(answers.get(q.id))
    ]


def section_complete(section: Section, answers: dict, form: FormDefinition | None = None) -> bool:
    """Every shown required question of ``section`` is answered (and at least one is answered)."""
    shown = visible_questions(section, answers, form)
    required_ok = all(has_answer(answers.get(q.id)) for q in shown if q.required)
    return required_ok and any(has_answer(answers.get(q.id)) for q in shown)


def progress(form: FormDefinition, answers: dict) -> tuple[int, int]:
    """(answered shown questions, shown questions) over the whole form."""
    shown = [
        q for s in visible_sections(form, answers) for q in visible_questions(s, answers, form)
    ]
    return sum(1 for q in shown if has_answer(answers.get(q.id))), len(shown)


def validate_answer(question: Question, value: object) -> str | None:
    """A Dutch message when ``value`` cannot be an answer to ``question``, else None."""
    if not has_answer(value):
        return None
    kind = question.type
    if kind is QuestionType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Vul een getal in, bijvoorbeeld 3 of 2,5."
        if question.min is not None and value < question.min:
            return f"Het getal moet minstens {_num(question.min)} zijn."
        if question.max is not None and value > question.max:
            return f"Het getal mag hoogstens {_num(question.max)} zijn."
    elif kind is QuestionType.DATE:
        text = str(value)
        try:
            valid = (
                len(text) == 10
                and text[4] == "-"
                and text[7] == "-"
                and bool(date.fromisoformat(text))
            )
        except ValueError:
            valid = False
        if not valid:
            return "Vul een geldige datum in."
    elif kind is QuestionType.YES_NO and not isinstance(value, bool):
        return "Kies ja of nee."
    elif kind in CHOICE_TYPES:
        allowed = {v for v, _ in question.options}
        given = value if isinstance(value, list) else [value]
        if kind is QuestionType.SINGLE_CHOICE and isinstance(value, list):
            return "Kies één antwoord."
        if any(v not in allowed for v in given):
            return "Kies een van de antwoorden uit de lijst."
    elif kind is QuestionType.PEOPLE:
        if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
            return "Vul per persoon ten minste de naam in."
        if any(set(p) - set(PERSON_FIELDS) for p in value):
            return "Onbekend veld bij een persoon."
    return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


# --- snapshots: the exact definition a conversation used, as JSON ---------------------------


def _condition_to_dict(c: Condition | None) -> dict | None:
    if c is None:
        return None
    data: dict = {"question": c.question}
    if c.is_answered is not None:
        data["is_answered"] = c.is_answered
    elif c.one_of:
        data["one_of"] = list(c.one_of)
    else:
        data["equals"] = c.equals
    return data


def _condition_from_dict(data: dict | None) -> Condition | None:
    if data is None:
        return None
    return Condition(
        question=data["question"],
        equals=data.get("equals"),
        one_of=tuple(data.get("one_of", ())),
        is_answered=data.get("is_answered"),
    )


def to_dict(form: FormDefinition) -> dict:
    """The definition as JSON-compatible data, stored with every conversation.

    File name and line numbers are left out: a comment or a renamed file does not change the form.
    """
    return {
        "form_id": form.form_id,
        "version": form.version,
        "title": form.title,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "intro": s.intro,
                "condition": _condition_to_dict(s.condition),
                "questions": [
                    {
                        "id": q.id,
                        "label": q.label,
                        "type": q.type.value,
                        "help": q.help,
                        "required": q.required,
                        "options": [list(o) for o in q.options],
                        "condition": _condition_to_dict(q.condition),
                        "min": q.min,
                        "max": q.max,
                    }
                    for q in s.questions
                ],
            }
            for s in form.sections
        ],
    }


def from_dict(data: dict) -> FormDefinition:
    """The definition :func:`to_dict` stored."""
    return FormDefinition(
        form_id=data["form_id"],
        version=data["version"],
        title=data["title"],
        source=data.get("source", ""),
        sections=tuple(
            Section(
                id=s["id"],
                title=s["title"],
                intro=s.get("intro", ""),
                line=s.get("line", 0),
                condition=_condition_from_dict(s.get("condition")),
                questions=tuple(
                    Question(
                        id=q["id"],
                        label=q["label"],
                        type=QuestionType(q["type"]),
                        help=q.get("help", ""),
                        required=q.get("required", False),
                        options=tuple((o[0], o[1]) for o in q.get("options", [])),
                        condition=_condition_from_dict(q.get("condition")),
                        min=q.get("min"),
                        max=q.get("max"),
                        line=q.get("line", 0),
                    )
                    for q in s["questions"]
                ),
            )
            for s in data["sections"]
        ),
    )
