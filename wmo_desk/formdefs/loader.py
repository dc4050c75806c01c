"""Loads conversation forms from YAML; a malformed file is refused with its name and line.

Usage as a check for municipalities editing forms/::

    python -m wmo_desk.formdefs.loader forms/keukentafelgesprek-2026.1.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wmo_desk.domain.errors import UserError
from wmo_desk.domain.forms import (
    CHOICE_TYPES,
    Condition,
    FormDefinition,
    Question,
    QuestionType,
    Section,
)

_FORM_KEYS = {"form_id", "version", "title", "sections"}
_SECTION_KEYS = {"id", "title", "intro", "condition", "questions"}
_QUESTION_KEYS = {"id", "label", "type", "help", "required", "options", "condition", "min", "max"}
_CONDITION_KEYS = {"question", "equals", "one_of", "is_answered"}


class FormDefinitionError(UserError):
    """A form file that cannot be used; ``message`` names the file and the line."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        where = f", regel {line}" if line else ""
        super().__init__("Gespreksformulier niet gebruikt", f"{path.name}{where}: {problem}")
        self.path = path
        self.line = line


class _Reader:
    """Walks the YAML node tree, so every value still knows its line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Node | None, problem: str) -> FormDefinitionError:
        return FormDefinitionError(
            self.path, node.start_mark.line + 1 if node is not None else 0, problem
        )

    def mapping(
        self, node: Node, allowed: set[str], required: set[str], what: str
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} moet een lijst van 'sleutel: waarde' zijn")
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, f"een sleutel in {what} moet een woord zijn")
            key = key_node.value
            if key not in allowed:
                raise self.fail(
                    key_node,
                    f"onbekende sleutel '{key}' in {what} (toegestaan: {', '.join(sorted(allowed))})",
                )
            if key in result:
                raise self.fail(key_node, f"sleutel '{key}' staat twee keer in {what}")
            result[key] = value_node
        for key in sorted(required - set(result)):
            raise self.fail(node, f"{what} mist de sleutel '{key}'")
        return result

    def text(self, node: Node, what: str) -> str:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            raise self.fail(node, f"{what} moet een (niet lege) tekst zijn")
        return str(node.value).strip()

    def scalar(self, node: Node) -> object:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, "hier hoort één waarde, geen lijst")
        return yaml.safe_load(yaml.serialize(node))

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} moet een lijst zijn (regels die met '-' beginnen)")
        return list(node.value)


def _condition(r: _Reader, node: Node, known: dict[str, Question], what: str) -> Condition:
    data = r.mapping(node, _CONDITION_KEYS, {"question"}, f"de voorwaarde van {what}")
    target = r.text(data["question"], "de vraag van een voorwaarde")
    if target not in known:
        raise r.fail(
            data["question"],
            f"de voorwaarde verwijst naar vraag '{target}', die niet eerder in het formulier staat",
        )
    kinds = [k for k in ("equals", "one_of", "is_answered") if k in data]
    if len(kinds) != 1:
        raise r.fail(node, "een voorwaarde heeft precies één van: equals, one_of, is_answered")
    source = known[target]
    values: list[object] = []
    condition: Condition
    if kinds[0] == "is_answered":
        flag = r.scalar(data["is_answered"])
        if not isinstance(flag, bool):
            raise r.fail(data["is_answered"], "is_answered is true of false")
        condition = Condition(question=target, is_answered=flag)
    elif kinds[0] == "equals":
        values = [r.scalar(data["equals"])]
        condition = Condition(question=target, equals=values[0])
    else:
        values = [r.scalar(n) for n in r.sequence(data["one_of"], "one_of")]
        condition = Condition(question=target, one_of=tuple(values))
    allowed: set[object] | None = None
    if source.type in CHOICE_TYPES:
        allowed = {v for v, _ in source.options}
    elif source.type is QuestionType.YES_NO:
        allowed = {True, False}
    for value in values:
        if allowed is not None and value not in allowed:
            shown = ", ".join(
                str(a).lower() if isinstance(a, bool) else str(a) for a in sorted(allowed, key=str)
            )
            raise r.fail(
                node, f"'{value}' is geen antwoord van vraag '{target}' (mogelijk: {shown})"
            )
    return condition


def _question(r: _Reader, node: Node, known: dict[str, Question]) -> Question:
    data = r.mapping(node, _QUESTION_KEYS, {"id", "label", "type"}, "een vraag")
    qid = r.text(data["id"], "het id van een vraag")
    if qid in known:
        raise r.fail(data["id"], f"vraag-id '{qid}' komt twee keer voor")
    type_text = r.text(data["type"], "het type")
    try:
        kind = QuestionType(type_text)
    except ValueError:
        allowed = ", ".join(t.value for t in QuestionType)
        raise r.fail(
            data["type"], f"onbekend vraagtype '{type_text}' (toegestaan: {allowed})"
        ) from None
    options: list[tuple[str, str]] = []
    if "options" in data:
        for option in r.sequence(data["options"], "options"):
            item = r.mapping(
                option, {"value", "label"}, {"value", "label"}, "een antwoordmogelijkheid"
            )
            options.append((r.text(item["value"], "value"), r.text(item["label"], "label")))
    if kind in CHOICE_TYPES and not options:
        raise r.fail(node, f"vraag '{qid}' is een keuzevraag maar heeft geen options")
    if kind not in CHOICE_TYPES and options:
        raise r.fail(
            data["options"], f"alleen keuzevragen hebben options (vraag '{qid}' is {kind.value})"
        )
    required = r.scalar(data["required"]) if "required" in data else False
    if not isinstance(required, bool):
        raise r.fail(data["required"], "required is true of false")
    bounds = {}
    for key in ("min", "max"):
        if key in data:
            value = r.scalar(data[key])
            if (
                kind is not QuestionType.NUMBER
                or isinstance(value, bool)
                or not isinstance(value, int | float)
            ):
                raise r.fail(data[key], f"{key} is een getal en alleen voor vragen van type number")
            bounds[key] = value
    return Question(
        id=qid,
        label=r.text(data["label"], "label"),
        type=kind,
        help=r.text(data["help"], "help") if "help" in data else "",
        required=required,
        options=tuple(options),
        condition=_condition(r, data["condition"], known, f"vraag '{qid}'")
        if "condition" in data
        else None,
        line=node.start_mark.line + 1,
        **bounds,
    )


def parse_form(text: str, path: Path) -> FormDefinition:
    """Parse YAML ``text`` (the contents of ``path``) into a form definition."""
    r = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise FormDefinitionError(path, line, f"geen geldige YAML ({exc.problem})") from None
    if root is None:
        raise FormDefinitionError(path, 0, "het bestand is leeg")
    data = r.mapping(root, _FORM_KEYS, _FORM_KEYS, "het formulier")
    known: dict[str, Question] = {}
    sections: list[Section] = []
    section_ids: set[str] = set()
    for section_node in r.sequence(data["sections"], "sections"):
        s = r.mapping(section_node, _SECTION_KEYS, {"id", "title", "questions"}, "een onderdeel")
        sid = r.text(s["id"], "het id van een onderdeel")
        if sid in section_ids:
            raise r.fail(s["id"], f"onderdeel-id '{sid}' komt twee keer voor")
        section_ids.add(sid)
        condition = (
            _condition(r, s["condition"], known, f"onderdeel '{sid}'") if "condition" in s else None
        )
        questions = []
        for question_node in r.sequence(s["questions"], "questions"):
            question = _question(r, question_node, known)
            known[question.id] = question
            questions.append(question)
        sections.append(
            Section(
                id=sid,
                title=r.text(s["title"], "title"),
                intro=r.text(s["intro"], "intro") if "intro" in s else "",
                condition=condition,
                questions=tuple(questions),
                line=section_node.start_mark.line + 1,
            )
        )
    if not sections:
        raise r.fail(data["sections"], "het formulier heeft geen onderdelen")
    # the raw text: unquoted 2026.10 must not become the number 2026.1
    version = r.text(data["version"], "version")
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        raise r.fail(
            data["version"],
            f"versie '{version}' bestaat uit getallen met punten, bijvoorbeeld \"2026.2\"",
        )
    return FormDefinition(
        form_id=r.text(data["form_id"], "form_id"),
        version=version,
        title=r.text(data["title"], "title"),
        sections=tuple(sections),
        source=path.name,
    )


def load_form(path: Path) -> FormDefinition:
    """Read and check the form at ``path``; raises :class:`FormDefinitionError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FormDefinitionError(path, 0, "het bestand is niet in UTF-8 opgeslagen") from None
    except OSError as exc:
        raise FormDefinitionError(path, 0, f"bestand niet te lezen ({exc.strerror})") from None
    return parse_form(text, path)


def available_forms(directory: Path) -> tuple[list[FormDefinition], list[FormDefinitionError]]:
    """Every valid form in ``directory``; malformed files are reported and left out."""
    forms: list[FormDefinition] = []
    errors: list[FormDefinitionError] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            form = load_form(path)
        except FormDefinitionError as exc:
            errors.append(exc)
            continue
        twin = next(
            (f for f in forms if (f.form_id, f.version) == (form.form_id, form.version)), None
        )
        if twin is not None:
            errors.append(
                FormDefinitionError(
                    path,
                    0,
                    f"versie {form.version} van '{form.form_id}' staat ook in {twin.source}",
                )
            )
            continue
        forms.append(form)
    return forms, errors


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def latest(forms: list[FormDefinition], form_id: str) -> FormDefinition | None:
    """The highest version of ``form_id``."""
    candidates = [f for f in forms if f.form_id == form_id]
    return max(candidates, key=lambda f: _version_key(f.version)) if candidates else None


def main(argv: list[str] | None = None) -> int:
    """Check the form files given on the command line; exit 1 when one is malformed."""
    status = 0
    for name in argv if argv is not None else sys.argv[1:]:
        try:
            form = load_form(Path(name))
        except FormDefinitionError as exc:
            print(exc.message, file=sys.stderr)
            status = 1
            continue
        count = sum(len(s.questions) for s in form.sections)
        print(
            f"OK: {form.title} versie {form.version}, {len(form.sections)} onderdelen, {count} vragen"
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
