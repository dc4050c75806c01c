"""The Jinja2 texts of the documents, with a municipality's own versions searched first."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from wmo_desk.paths import resources_dir

_CBS_CODE = re.compile(r"\d{4}")


def template_folders(municipality_code: str = "", override_dir: Path | None = None) -> list[Path]:
    """Folders searched for ``verslag/intro.txt.j2`` and friends, most specific first.

    ``override_dir`` (a folder laid out like ``resources/templates``) wins, then the
    municipality's folder ``resources/templates/<cbs_code>``, then the shipped texts.
    """
    base = resources_dir() / "templates"
    folders = [Path(override_dir)] if override_dir is not None else []
    if municipality_code:
        if not _CBS_CODE.fullmatch(municipality_code):
            raise ValueError(f"not a 4-digit CBS municipality code: {municipality_code!r}")
        folders.append(base / municipality_code)
    folders.append(base)
    return folders


def make_environment(folders: list[Path]) -> jinja2.Environment:
    """An environment where a missing variable is an error, never an empty string."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


class Texts:
    """Renders the plain-text templates of one document with one shared set of variables.

    The output is plain text, not markup: the layout escapes it before reportlab sees it.
    """

    def __init__(self, env: jinja2.Environment, folder: str, variables: dict[str, Any]):
        self._env = env
        self._folder = folder
        self._variables = variables

    def render(self, name: str, **extra: Any) -> str:
        """The text of ``<folder>/<name>`` (e.g. ``intro.txt.j2``), stripped."""
        template = self._env.get_template(f"{self._folder}/{name}")
        return template.render({**self._variables, **extra}).strip()

    def labels(self, name: str) -> Labels:
        """The ``{% set %}`` texts and macros of ``<folder>/<name>`` (the headings file)."""
        template = self._env.get_template(f"{self._folder}/{name}")
        return Labels(template.make_module(self._variables), f"{self._folder}/{name}")


class Labels:
    """Read-only access to the texts a headings template sets, as ``labels.title``.

    A name the template does not set is an error, like a missing variable: an overridden
    headings file that forgot a label must not give a document with an empty heading.
    """

    def __init__(self, module: Any, source: str):
        self._module = module
        self._source = source

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = getattr(self._module, name)
        except AttributeError:
            raise jinja2.UndefinedError(f"{self._source} does not set {name!r}") from None
        if callable(value):  # a macro, e.g. page_label(page, page_count)
            return lambda *args: str(value(*args)).strip()
        return str(value).strip()
