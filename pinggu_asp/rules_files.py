"""Where the answer-set programs are, installed or in a checkout."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

# Load order matters only for reading; clingo sees one program.
PROGRAM_FILES = (
    "money.lp",
    "input.lp",
    "calendar.lp",
    "window.lp",
    "checks.lp",
    "first_time.lp",
    "gates.lp",
    "art3.lp",
    "art4.lp",
    "art5.lp",
    "ratings.lp",
    "art6.lp",
    "art7.lp",
    "art8.lp",
    "orders.lp",
    "art9.lp",
    "art10.lp",
    "art11.lp",
    "art12.lp",
    "art13.lp",
    "rounding.lp",
    "award.lp",
    "select.lp",
    "explain.lp",
    "show.lp",
)


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    """The rules shipped in the wheel (pinggu_asp/asp_rules), or the checkout's top-level asp_rules/."""
    packaged = resources.files("pinggu_asp") / "asp_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "asp_rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the asp_rules directory is neither installed with the package nor beside it")


def program_paths() -> list[Path]:
    """Every rule file, in order; a missing one is an installation error, never a silently dropped article."""
    base = rules_dir()
    missing = [name for name in PROGRAM_FILES if not (base / name).exists()]
    if missing:
        raise FileNotFoundError(f"rule files missing from {base}: {', '.join(missing)}")
    return [base / name for name in PROGRAM_FILES]


def interpretation_path(name: str) -> Path:
    return rules_dir() / "interpretations" / f"{name}.lp"
