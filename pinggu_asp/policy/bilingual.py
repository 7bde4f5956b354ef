"""The two languages of every text, and the check that a catalogue of texts has both with the same placeholders.

The policy's texts file (policy/pack.texts) and the what-if reports' messages
(render/messages.yaml) are both such catalogues: a key missing in one language,
or a text whose {placeholders} differ from its twin's, is an error on loading
rather than an English word in a Chinese report. It lives in policy/ because the
policy's texts are checked by it and policy/ imports no renderer.
"""

from __future__ import annotations

import string
from typing import Any

LANGS = ("zh", "en")


class CatalogueError(ValueError):
    """A catalogue (messages.yaml, a section of the policy's texts file) is not complete in zh and en."""


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def check(catalogue: Any, where: str = "messages.yaml", data: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The catalogue as {key: {lang: text}}, or CatalogueError naming each key at fault.

    ``where`` names the file (and section) in the error; ``data`` are the keys an
    entry may hold beside its texts (the policy's texts file gives an advisory its article).
    """
    if not isinstance(catalogue, dict):
        raise CatalogueError(f"{where}: not a mapping of keys")
    problems = []
    for key, texts in catalogue.items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) for lang in LANGS):
            problems.append(f"{key}: needs a text in each of {', '.join(LANGS)}")
        elif set(texts) - data != set(LANGS):
            problems.append(f"{key}: languages {sorted(set(texts) - data - set(LANGS))} are not {', '.join(LANGS)}")
        elif len({placeholders(texts[lang]) for lang in LANGS}) != 1:
            problems.append(f"{key}: the placeholders differ between languages")
    if problems:
        raise CatalogueError(f"{where}: " + "; ".join(problems))
    return catalogue
