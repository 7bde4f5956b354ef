"""Renderers: a built document laid out as text, md, html, or the what-if/reach reports (whatif), the explanation
built from a result (explain), words (i18n, messages.yaml), layout (wrap, alternatives_text, report_html/); the CLI
and the service both choose a format through formats.py.

May import policy/, money, safe_text, yaml_fast, and of engine/ only its public reader of answers (engine.answer,
engine.terms); never engine's internals, analysis/, batch/, service/ or cli (tests/test_layout.py). explain.py
is here: it builds the explanation from a result document already decided, for the renderers to lay out.
"""
