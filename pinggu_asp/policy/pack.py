"""The policy's manifest, asp_rules/pack.yaml, and the words it names (its texts file).

The manifest is the one list of the rule files and the one place that names the
parameters, readings and texts files; the engine reads them from here so that a
new clause touches the rules, the parameters, the texts and its cases only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .rules_files import rules_dir

MANIFEST = "pack.yaml"
# What an entry of the texts file may hold beside its zh and en texts.
TEXT_DATA = frozenset({"article"})


class PackError(ValueError):
    """The manifest or a file it names is malformed: an installation error, never the user's."""


def _load(path: Path) -> Any:
    from .. import yaml_fast

    try:
        return yaml_fast.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackError(f"{path}: {exc.strerror}") from None


@lru_cache(maxsize=1)
def manifest() -> dict[str, Any]:
    """asp_rules/pack.yaml as data, checked for the keys the engine reads."""
    path = rules_dir() / MANIFEST
    doc = _load(path)
    if not isinstance(doc, dict) or doc.get("schema") != "pinggu-pack/1":
        raise PackError(f"{path}: schema must be pinggu-pack/1")
    for key in ("rules", "parameters", "readings", "texts", "interpretations", "declaration_schema", "document_number"):
        if key not in doc:
            raise PackError(f"{path}: {key} is missing")
    rules = doc["rules"]
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) and r.endswith(".lp") for r in rules):
        raise PackError(f"{path}: rules must be a list of .lp file names")
    if len(set(rules)) != len(rules):
        raise PackError(f"{path}: a rule file is listed twice")
    return doc


def program_files() -> tuple[str, ...]:
    """The rule files of the program, in the manifest's order."""
    return tuple(manifest()["rules"])


def path_of(key: str) -> Path:
    """A file or directory the manifest names (parameters, readings, texts, interpretations, ...)."""
    entry = manifest()[key]
    if isinstance(entry, dict):  # official_text: {file, url}
        entry = entry["file"]
    return rules_dir() / str(entry)


def document_number() -> str:
    return str(manifest()["document_number"])


def title(lang: str) -> str:
    """The policy's title in ``lang`` (the manifest's title)."""
    return str(manifest()["title"][lang])


def scanned(key: str) -> str | None:
    """A top-level plain scalar of the manifest (``readings: readings.yaml``), by a line scan.

    Not a YAML parse: typer builds every command's help at start-up, and
    `--version`/`-h` load no YAML (tests/test_lazy_imports.py). A test checks it
    agrees with manifest().
    """
    try:
        text = (rules_dir() / MANIFEST).read_text(encoding="utf-8")
    except OSError:  # pragma: no cover - packaging error; the commands themselves say so
        return None
    found = re.search(rf"^{re.escape(key)}:[ \t]*([^#\s][^#\n]*?)[ \t]*(?:#.*)?$", text, re.MULTILINE)
    return found.group(1) if found else None


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, dict[str, Any]]]:
    """The texts file by section and code: {"sentences": {"superseded_by": {"zh": ..., "en": ...}}, ...}.

    Each section is checked as the message catalogue is (messages.check): every
    code has a zh and an en text with the same placeholders.
    """
    from .bilingual import CatalogueError, check

    path = path_of("texts")
    doc = _load(path)
    if not isinstance(doc, dict) or doc.get("schema") != "pinggu-texts/1":
        raise PackError(f"{path}: schema must be pinggu-texts/1")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for section, entries in doc.items():
        if section == "schema":
            continue
        if not isinstance(entries, dict):
            raise PackError(f"{path}: {section} must map codes to texts")
        try:
            check(entries, f"{path}: {section}", TEXT_DATA)
        except CatalogueError as exc:
            raise PackError(str(exc)) from None
        out[str(section)] = {str(code): dict(entry) for code, entry in entries.items()}
    return out


def words(section: str, code: str) -> dict[str, Any]:
    """One entry of the texts file: its zh and en templates and any data beside them (an advisory's article)."""
    try:
        return texts()[section][code]
    except KeyError:
        raise PackError(f"{path_of('texts')}: {section}.{code} is missing") from None


def say(section: str, code: str, lang: str, *args: Any, **fields: Any) -> str:
    """The ``lang`` text of ``section.code``, its placeholders filled (a value's own braces stay text)."""
    return str(words(section, code)[lang]).format(*args, **fields)
