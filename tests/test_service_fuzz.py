"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): never a 5xx.

Bounded (a few examples per operation) so it runs in well under a minute against a
real `pinggu-asp serve` on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install '.[test]')")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from serving import running_server  # noqa: E402

TOKEN = "fuzz-token"


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    # The batch body is text (JSON Lines); the schema calls it a string.
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    token_file = tmp_path_factory.mktemp("token") / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with running_server(["--workers", "2", "--token-file", str(token_file)]) as url:
        yield url


def test_no_request_gets_a_server_error(server: str) -> None:
    api = schemathesis.openapi.from_url(f"{server}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/check", "/v1/explain", "/v1/batch", "/v1/rules", "/v1/health"}
    tried: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def no_server_error(case: Any) -> None:
            response = case.call(base_url=server, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
            assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"errors"}, body
                assert "Traceback" not in response.text

        no_server_error()
        tried.append(operation.label)
    assert len(tried) == len(operations)
