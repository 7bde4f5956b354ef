"""`pinggu-asp serve` from the command line, and the example client against it."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
from typer.testing import CliRunner

from pinggu_asp.api import assess
from pinggu_asp.cli import app
from serving import running_server
from support import EXAMPLE, REPO

runner = CliRunner()


def test_serve_with_a_token_file_and_the_example_client(tmp_path):
    token = tmp_path / "token"
    token.write_text("a-long-secret\n", encoding="utf-8")
    with running_server(["--workers", "1", "--token-file", str(token)]) as base:
        assert httpx.get(f"{base}/v1/health").status_code == 401
        ok = httpx.get(f"{base}/v1/health", headers={"Authorization": "Bearer a-long-secret"})
        assert ok.status_code == 200
        assert httpx.get(f"{base}/openapi.json").json()["paths"]["/v1/check"]["post"]
        assert httpx.get(f"{base}/docs").status_code == 200

        client = REPO / "examples" / "client.py"
        done = subprocess.run([sys.executable, str(client), "--url", base, "--token-file", str(token)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        result = assess(EXAMPLE)
        assert f"{result['total_yuan']:,} yuan" in done.stdout
        for award in result["awards"]:
            assert award["clause"] in done.stdout

        refused = subprocess.run([sys.executable, str(client), "--url", base], capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and "Authorization" in refused.stderr
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"schema": "pinggu-declaration/1"}), encoding="utf-8")
        invalid = subprocess.run([sys.executable, str(client), str(bad), "--url", base, "--token-file", str(token)],
                                 capture_output=True, text=True, timeout=60)
        assert invalid.returncode == 2 and "declaration.support_year: required field is missing" in invalid.stderr


def test_serve_listens_on_localhost_by_default():
    import inspect

    from pinggu_asp.cli import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_an_empty_or_missing_token_file_is_refused(tmp_path):
    empty = tmp_path / "token"
    empty.write_text("  \n", encoding="utf-8")
    result = runner.invoke(app, ["serve", "--token-file", str(empty)])
    assert result.exit_code == 2 and "empty" in result.output
    result = runner.invoke(app, ["serve", "--token-file", str(tmp_path / "absent")])
    assert result.exit_code == 2 and "cannot read the token file" in result.output
    assert "Traceback" not in result.output
