"""What is fit to store and sync: text without control, bidi-override or lone-surrogate characters."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

# Tab, newline and carriage return belong in notes; every other C0/C1 control character does not.
# Embedding, override and isolate marks reorder what a reader sees ("Trojan Source"): a name or a
# note could show one thing and hold another. A regular expression, not a loop per character:
# a decision document is megabytes of base64.
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def text_problem(value: str, subject: str = "De tekst") -> str | None:
    """What makes ``value`` unfit to store, as a Dutch sentence, or None when it is fine.

    Refused: NUL and the other control characters except tab, newline and carriage return;
    bidi embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069); lone
    surrogates (U+D800–U+DFFF, not a character: a database cannot store them). The message names
    the character by its code point, never the text around it; ``subject`` starts it.
    """
    found = _UNFIT.search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"{subject} bevat een ongeldig teken (U+{code:04X}, een losse surrogaat)."
    if 0x202A <= code <= 0x2069:
        return f"{subject} bevat een teken dat de leesrichting omdraait (U+{code:04X})."
    return f"{subject} bevat een onzichtbaar stuurteken (U+{code:04X})."


def unencodable_problem(value: str, subject: str = "De tekst") -> str | None:
    """The part of :func:`text_problem` no program can store or send: a lone surrogate (it has
    no UTF-8). Checked where refusing more would refuse a whole request (see docs/server.md)."""
    found = _SURROGATE.search(value)
    if found is None:
        return None
    return f"{subject} bevat een ongeldig teken (U+{ord(found.group()):04X}, een losse surrogaat)."


# Records are a few levels deep; hundreds of levels make JSON serialisers give up (a server
# could store such a record and then fail every pull that holds it).
MAX_DEPTH = 32
DEPTH_TEXT = "De gegevens zijn te diep genest (meer dan {max_depth} niveaus)."
# JSON has no NaN or infinity: stored, it would come back as null.
NUMBER_TEXT = "Het getal is oneindig of geen getal (NaN); dat kan niet worden opgeslagen."


@dataclass(frozen=True)
class TextProblem:
    """The first unfit text in a JSON-like value: where it is and what is wrong with it.

    ``path`` holds the dict keys and list positions from the top down (a key's unfit
    characters shown as ``?``); a problem in a key itself ends with that key."""

    path: tuple[str | int, ...]
    message: str

    @property
    def where(self) -> str:
        """The path as ``notes[2].text``; ``(geheel)`` for the value itself."""
        out = ""
        for step in self.path:
            if isinstance(step, int):
                out += f"[{step}]"
            else:
                out += f".{step}" if out else step
        out = out or "(geheel)"
        return out if len(out) <= 80 else out[:77] + "..."


def _safe_key(key: str) -> str:
    # A bad key is named without its bad characters, so the path can be shown and logged.
    return _UNFIT.sub("?", key)


def json_text_problem(
    value: object,
    max_depth: int = MAX_DEPTH,
    check: Callable[[str, str], str | None] = text_problem,
) -> TextProblem | None:
    """The first unfit string (a dict key or a value) in ``value``, depth first, or None; also
    a problem for a NaN or infinite number and for dicts and lists nested deeper than
    ``max_depth``. ``check`` says what is wrong with one string (:func:`text_problem`, or
    :func:`unencodable_problem` for the storable minimum).

    ``value`` is what JSON decodes to: dicts, lists, strings, numbers, booleans, None. The walk
    uses its own stack, so a deeply nested value cannot exhaust Python's recursion limit."""
    # (path, item, whether item is a dict key); popped from the end, so pushed in reverse
    stack: list[tuple[tuple[str | int, ...], object, bool]] = [((), value, False)]
    while stack:
        path, item, is_key = stack.pop()
        if isinstance(item, str):
            problem = check(item, "De veldnaam" if is_key else "De tekst")
            if problem:
                return TextProblem(path, problem)
        elif isinstance(item, float) and not math.isfinite(item):
            return TextProblem(path, NUMBER_TEXT)
        elif isinstance(item, dict | list | tuple) and len(path) >= max_depth:
            return TextProblem(path, DEPTH_TEXT.format(max_depth=max_depth))
        elif isinstance(item, dict):
            children: list[tuple[tuple[str | int, ...], object, bool]] = []
            for key, child in item.items():
                step = _safe_key(key) if isinstance(key, str) else key
                children.append(((*path, step), key, True))
                children.append(((*path, step), child, False))
            stack.extend(reversed(children))
        elif isinstance(item, list | tuple):
            stack.extend(reversed([((*path, i), child, False) for i, child in enumerate(item)]))
    return None
