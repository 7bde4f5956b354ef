"""A cold `pinggu-asp` in a new process, both bytecode states, and where the time goes: prints, asserts nothing.

    python benchmarks/bench_cold.py [--runs N] [--stages N]

- `check examples/declaration.yaml`, `--version` and `-h`, each a new `python -m pinggu_asp` process:
  median wall and CPU (the child's user + system time) of --runs, against issue 18's target for `check`;
- in two states of this checkout's bytecode: without .pyc (this package's __pycache__ removed and
  PYTHONDONTWRITEBYTECODE=1, so every start compiles the package from source, as this machine's
  environment does), and with .pyc (written by one run first, as `pip install .` leaves them).
  Installed libraries keep their .pyc in both. `bench_whatif.py` and `bench_check.py` inherit the
  environment, so they measure whichever state the checkout is in;
- with --stages, one cold `check` taken apart in a new process: each import, typer's parse, the
  rules, the declaration, the decision (median of N; the interpreter's start and exit are outside).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_COLD_S = 0.35
COMMANDS = {"check": ["check", "examples/declaration.yaml"], "--version": ["--version"], "-h": ["-h"]}

# One cold `check`, in the order the command does it, timed between steps.
STAGES = r"""
import time
t0 = time.perf_counter(); marks = []
def mark(name): marks.append((name, time.perf_counter()))
import typer; mark("import typer")
import pinggu_asp.cli as cli; mark("import pinggu_asp.cli")
import typer.main
group = typer.main.get_command(cli.app); mark("typer: build the commands")
ctx = group.make_context("pinggu-asp", ["check", "examples/declaration.yaml"])
group.get_command(ctx, "check").make_context("check", ["examples/declaration.yaml"], parent=ctx)
mark("typer: parse check's options (pydantic)")
import clingo; mark("import clingo")
import orjson, yaml; mark("import yaml, orjson")
import pinggu_asp.declaration; mark("import the declaration model")
import pinggu_asp.engine.decide, pinggu_asp.engine.result, pinggu_asp.loading; mark("import the engine")
from pathlib import Path
from pinggu_asp.engine.solve import default_ruleset
rules = default_ruleset([], None); rules.modules; mark("the rules and parameters")
decl = pinggu_asp.loading.load_declaration(Path("examples/declaration.yaml")); mark("read the declaration")
result = pinggu_asp.engine.decide.check(decl, rules); mark("decide")
pinggu_asp.engine.result.dumps(result); mark("the JSON")
import json
out, before = {}, t0
for name, at in marks:
    out[name], before = (at - before) * 1000, at
print(json.dumps(out))
"""


def _env(write_bytecode: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if write_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _drop_bytecode() -> None:
    for cache in (REPO / "pinggu_asp").rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)


def cold_runs(args: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU seconds of ``python -m pinggu_asp ARGS``, a new process each."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        before = os.times()
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pinggu_asp", *args], check=True, capture_output=True, cwd=REPO, env=env)
        wall.append(time.perf_counter() - t0)
        after = os.times()
        cpu.append(after.children_user + after.children_system - before.children_user - before.children_system)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="new processes per figure")
    parser.add_argument("--stages", type=int, default=5, help="new processes for the breakdown (0: none)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
    for state, write in (("without .pyc (compiled each start)", False), ("with .pyc", True)):
        _drop_bytecode()
        env = _env(write)
        if write:
            for cli_args in COMMANDS.values():
                subprocess.run([sys.executable, "-m", "pinggu_asp", *cli_args], check=True, capture_output=True,
                               cwd=REPO, env=env)
        print(state)
        for label, cli_args in COMMANDS.items():
            wall, cpu = cold_runs(cli_args, args.runs, env)
            target = f"   (target: at most {TARGET_COLD_S * 1000:.0f} ms)" if label == "check" else ""
            print(f"  {label:<10} {wall * 1000:5.0f} ms wall, {cpu * 1000:4.0f} ms CPU, median of {args.runs}{target}")
    if args.stages:
        runs = [json.loads(subprocess.run([sys.executable, "-c", STAGES], check=True, capture_output=True, text=True,
                                          cwd=REPO, env=_env(True)).stdout) for _ in range(args.stages)]
        print(f"one cold check, stage by stage (with .pyc; ms, median of {args.stages}):")
        total = 0.0
        for name in runs[0]:
            ms = statistics.median(run[name] for run in runs)
            total += ms
            print(f"  {name:<40} {ms:6.1f}")
        print(f"  {'in all (start and exit aside)':<40} {total:6.1f}")


if __name__ == "__main__":
    main()
