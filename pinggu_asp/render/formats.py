"""The one place an explanation becomes text in a format: ``pinggu-asp explain`` and the service's /v1/explain
both call it, so a format means the same thing on either side.

Each format's renderer is imported when it is chosen: JSON needs neither rich nor Jinja2.
"""

from __future__ import annotations

from typing import Any

FORMATS = ("text", "json", "md", "html")


def render_explanation(model: dict[str, Any], fmt: str, lang: str, *, clause: str | None = None,
                       for_file: bool = False) -> str:
    """The explanation ``model`` (explain.build) as ``fmt``.

    Text is one clause's tree when ``clause`` is given, else every clause's table; it is laid out at the
    terminal's width, or at FILE_WIDTH when ``for_file`` (a server's reply is a file, whatever terminal
    the server was started from).
    """
    if fmt == "json":
        from .explain import dumps

        return dumps(model)
    if fmt == "md":
        from .md import render_markdown

        return render_markdown(model, lang)
    if fmt == "html":
        from .html import render_html

        return render_html(model, lang)
    if fmt != "text":
        raise ValueError(f"unknown explanation format {fmt!r}; known: {', '.join(FORMATS)}")
    from .text import FILE_WIDTH, render_clause_tree
    from .text import render_explanation as tables

    width = FILE_WIDTH if for_file else None
    return render_clause_tree(model, lang, width=width) if clause is not None else tables(model, lang, width=width)
