"""pinggu-asp: an eligibility checker for Pinggu District's 2025 high-end manufacturing measures.

The measures (京平科信发〔2025〕8号) are encoded as answer-set programs in
``asp_rules/``; this package validates declarations, grounds them into clingo,
and renders what the program derived.
"""

__version__ = "0.1.0"

from .api import assess, reach, whatif  # noqa: E402 - after __version__, which the result reads

__all__ = ["__version__", "assess", "reach", "whatif"]
