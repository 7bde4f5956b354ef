"""Generated declarations with many conflicts and ties: support under other Pinggu policies on the bases awards rest on.

Amounts come from a few round figures, so equally good choices are common.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

from pinggu_asp.declaration import Declaration
from pinggu_asp.loading import InputError, declaration_from_data

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import declaration  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "declaration.yaml"
_AMOUNTS = [100_000, 200_000, 300_000, 500_000, 3_000_000, 4_000_000]


def _bases(data: dict[str, Any]) -> list[str]:
    year = data["support_year"]
    out = [f"output:{year}", f"rd:{year}", f"rating:smart:{year}", f"rating:green:{year}"]
    out += [f"approval:{a['id']}" for a in data.get("approvals", [])]
    out += [f"standard:{s['id']}" for s in data.get("standards", [])]
    out += [f"investment:{p['id']}" for p in data.get("investment_projects", [])]
    return out


def with_ties(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """Add up to five other policies, eligible, on bases the declaration's awards may rest on."""
    bases = _bases(data)
    support = list(data.get("other_pinggu_support", []))
    for k in range(rng.randint(0, 5)):
        support.append({"basis": rng.choice(bases), "policy": f"政策{k}", "amount": rng.choice(_AMOUNTS),
                        "status": "eligible"})
    if rng.random() < 0.3:  # two policies of equal amount on one basis: a tie unless this measure pays more
        basis, amount = rng.choice(bases), rng.choice(_AMOUNTS)
        support += [{"basis": basis, "policy": f"等额{k}", "amount": amount, "status": "eligible"} for k in range(2)]
    if support:
        data["other_pinggu_support"] = support
    return data


def tied_declarations(count: int, seed: int) -> list[Declaration]:
    rng = random.Random(seed)
    out: list[Declaration] = []
    index = 0
    while len(out) < count:
        try:
            out.append(declaration_from_data(with_ties(rng, declaration(rng, index))))
        except InputError:
            pass
        index += 1
    return out


def ties_data(n: int) -> dict[str, Any]:
    """The example declaration with ``n`` approvals, each claimed by two other policies of equal amount.

    Each approval is an independent conflict with two equally good choices (one
    policy or the other, both more than this measure's 3,000,000 yuan award).
    """
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["approvals"] = [{"id": f"a-{i}", "kind": "class3_device", "date": "2025-09-15", "first_time": True,
                          "global_first": False} for i in range(n)]
    data["other_pinggu_support"] = [{"basis": f"approval:a-{i}", "policy": f"p{i}{k}", "amount": 4_000_000,
                                     "status": "eligible"} for i in range(n) for k in "ab"]
    return data
