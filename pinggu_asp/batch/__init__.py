"""Deciding a whole population of declarations: reading, running, writing, summing up.

``pinggu-asp batch`` is a thin command over these modules. Each result is the
document ``check`` prints for the same declaration; the summary and the report
only add up what the result documents say.
"""
