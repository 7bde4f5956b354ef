"""How a new process best gets the grouped rules into its first Control: prints its figures, asserts nothing.

    python benchmarks/bench_program_load.py [--repeat N]

A cold `check` builds one Control. Today it parses every rule file to an AST
(for the rules' digest, and the statements on a cache miss), reads the grouped
program's text from the cache (grouping.py), parses that text to an AST again
and hands each statement to a ``ProgramBuilder``. The alternative measured here
gives the cached text straight to ``Control.add``: one parse, inside clingo.
A batch, which builds many Controls from one parse, is measured too: there the
builder re-adds statements already parsed. CPU ms (``time.process_time``),
median of N.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import clingo
from clingo import ast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pinggu_asp.engine.grouping import cache_path  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset  # noqa: E402


def _median_ms(run: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.process_time()
        run()  # type: ignore[operator]
        samples.append(time.process_time() - t0)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    ruleset = default_ruleset()
    files = ruleset.files()
    digest = ruleset.sha256
    grouped = ruleset.grouped()  # fills the cache when it is empty
    path = cache_path("grouped", [digest])

    def digest_only() -> None:
        h = hashlib.sha256()
        for file in files:
            h.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")

    def parse_files() -> None:
        ast.parse_files([str(f) for f in files], lambda _: None)

    def parse_and_build() -> None:
        statements: list[ast.AST] = []
        ast.parse_string(json.loads(path.read_text(encoding="utf-8"))["program"], statements.append)
        ctl = clingo.Control(["--warn=none"])
        with ast.ProgramBuilder(ctl) as builder:
            for statement in statements:
                builder.add(statement)

    def add_text() -> None:
        ctl = clingo.Control(["--warn=none"])
        ctl.add("base", [], json.loads(path.read_text(encoding="utf-8"))["program"])

    def build_parsed() -> None:
        ctl = clingo.Control(["--warn=none"])
        with ast.ProgramBuilder(ctl) as builder:
            for statement in grouped.statements:
                builder.add(statement)

    text = json.loads(path.read_text(encoding="utf-8"))["program"]

    def add_text_again() -> None:
        clingo.Control(["--warn=none"]).add("base", [], text)

    print(f"CPU ms, median of {args.repeat}")
    print("first Control of a process (a cold check):")
    print(f"  parse the rule files to an AST (today, for the digest)    {_median_ms(parse_files, args.repeat):7.1f}")
    print(f"  the digest alone, from the files' bytes                   {_median_ms(digest_only, args.repeat):7.1f}")
    print(f"  cache text -> parse_string -> ProgramBuilder (today)      {_median_ms(parse_and_build, args.repeat):7.1f}")
    print(f"  cache text -> Control.add                                 {_median_ms(add_text, args.repeat):7.1f}")
    print("each further Control (a batch):")
    print(f"  ProgramBuilder from the statements parsed once (today)    {_median_ms(build_parsed, args.repeat):7.1f}")
    print(f"  Control.add of the text                                   {_median_ms(add_text_again, args.repeat):7.1f}")


if __name__ == "__main__":
    main()
