"""The policy's manifest, asp_rules/pack.yaml, and the words it names (its texts file).

The manifest is the one list of the rule files and the one place that names the
parameters, readings and texts files; the engine reads them from here so that a
new clause touches the rules, the parameters, the texts and its cases only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .rules_files import rules_dir

MANIFEST = "pack.yaml"
LANGS = ("zh", "en")


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


@lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, dict[str, Any]]]:
    """The texts file by section and code: {"sentences": {"superseded_by": {"zh": ..., "en": ...}}, ...}."""
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
        for code, entry in entries.items():
            if not isinstance(entry, dict) or any(not isinstance(entry.get(lang), str) for lang in LANGS):
                raise PackError(f"{path}: {section}.{code} needs zh and en texts")
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
