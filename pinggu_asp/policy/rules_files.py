"""Where the answer-set programs are, installed or in a checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    """The rules shipped in the wheel (pinggu_asp/asp_rules), or the checkout's top-level asp_rules/."""
    # The package's own directory, as importlib.resources.files would give for a package on disk (the
    # only kind the rules can be read from as files), without importing importlib.resources and what it
    # brings (zipfile, tempfile, random) on every start: `-h` and `--version` name the switches from here.
    packaged = Path(__file__).parents[1] / "asp_rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "asp_rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the asp_rules directory is neither installed with the package nor beside it")


def program_paths() -> list[Path]:
    """Every rule file, in order; a missing one is an installation error, never a silently dropped article."""
    from .pack import program_files  # the manifest (asp_rules/pack.yaml) is the one list of rule files

    base = rules_dir()
    names = program_files()
    missing = [name for name in names if not (base / name).exists()]
    if missing:
        raise FileNotFoundError(f"rule files missing from {base}: {', '.join(missing)}")
    return [base / name for name in names]


def interpretation_path(name: str) -> Path:
    from .pack import path_of

    return path_of("interpretations") / f"{name}.lp"
