"""Post the example declaration to a running `pinggu-asp serve` and print the awards.

    pinggu-asp serve &                       # http://127.0.0.1:8000
    python examples/client.py [examples/declaration.yaml] [--url http://127.0.0.1:8000] [--token-file FILE]

Only the standard library: a district system needs nothing more to call the service.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description="Post a declaration to pinggu-asp serve and print the awards.")
    parser.add_argument("declaration", nargs="?", type=Path, default=HERE / "declaration.yaml")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token-file", type=Path, help="the secret the server was started with (--token-file)")
    args = parser.parse_args()

    # The declaration goes as its text (YAML or JSON); the service reads it as the CLI reads a file.
    body = json.dumps({"declaration": args.declaration.read_text(encoding="utf-8")}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if args.token_file:
        headers["Authorization"] = "Bearer " + args.token_file.read_text(encoding="utf-8").strip()
    request = urllib.request.Request(f"{args.url}/v1/check", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            result = json.load(response)
    except urllib.error.HTTPError as exc:
        for error in json.load(exc).get("errors", []):
            print(f"error: {error['field']}: {error['message']}", file=sys.stderr)
        return 2
    except urllib.error.URLError as exc:
        print(f"error: cannot reach {args.url}: {exc.reason}", file=sys.stderr)
        return 2

    def yuan(amount: int | str) -> str:  # whole yuan as an integer, or an exact decimal string
        return f"{amount:,}" if isinstance(amount, int) else str(amount)

    print(f"{result['enterprise']['name']} ({result['enterprise']['credit_code']}), support year {result['support_year']}")
    for award in result["awards"]:
        print(f"  {award['clause']:<24} {award['basis']:<30} {yuan(award['amount_yuan']):>14} yuan  ({award['payer']})")
    print(f"  {'total':<55} {yuan(result['total_yuan']):>14} yuan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
