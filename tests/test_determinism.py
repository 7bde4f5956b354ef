"""Same input, same output (SPEC §4.2 Ties): byte-identical JSON from separate processes, whatever
the hash seed, and a YAML declaration and its JSON equivalent give identical results.
"""

import json
import os
import subprocess
import sys

import yaml

from support import EXAMPLE, REPO


def run_cli(path, seed, *extra):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    proc = subprocess.run(
        [sys.executable, "-m", "pinggu_asp.cli", "check", str(path), *extra],
        capture_output=True,
        env=env,
        timeout=120,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def test_same_declaration_twice_is_byte_identical():
    first = run_cli(EXAMPLE, 1)
    second = run_cli(EXAMPLE, 4242)
    assert first == second
    assert json.loads(first)["schema"] == "pinggu-result/1"


def test_yaml_and_equivalent_json_give_identical_results(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))

    def jsonable(value):
        # YAML's year keys are integers and its dates date objects; JSON has four-digit strings.
        if isinstance(value, dict):
            return {str(k): jsonable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [jsonable(v) for v in value]
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    as_json = tmp_path / "declaration.json"
    as_json.write_text(json.dumps(jsonable(data), ensure_ascii=False, indent=1), encoding="utf-8")
    from_yaml = json.loads(run_cli(EXAMPLE, 7))
    from_json = json.loads(run_cli(as_json, 7))
    assert from_yaml == from_json


def test_in_process_repeats_are_identical():
    """The same declaration decided twice in one process (a reused ruleset) is the same document."""
    from pinggu_asp.engine.decide import check
    from pinggu_asp.engine.result import dumps
    from pinggu_asp.loading import load_declaration
    from support import ruleset

    decl = load_declaration(EXAMPLE)
    assert dumps(check(decl, ruleset())) == dumps(check(decl, ruleset()))
