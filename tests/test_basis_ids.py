"""Ids are strings of any characters, and a basis key holds its id as it is (SPEC §6, issue 17 §1).

An id that a list accepts (approvals, standards, investment projects), every basis that refers to it
accepts: `approval:<id>` in `prior_awards` and `other_pinggu_support`, newlines and quotes included.
The id reaches clingo as a String symbol and matches exactly, so a prior award on such an approval
fails the Art 10 clause (not paid twice), and support received on it blocks the clause. A malformed
basis key (unknown prefix, bad year, empty id) is still refused with exit 2, naming the field.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from pinggu_asp.declaration import OtherSupport, PriorAward
from pinggu_asp.loading import InputError, declaration_from_data
from support import baseline, clause, condition, decide

NEWLINE_ID = "a\n1"
HOSTILE_ID = 'x"). #show.\n%'
IDS = [NEWLINE_ID, HOSTILE_ID, "approval:nested:colons", " leading space", "\ttab\r\n"]
DRUG = {"first_time": True, "production_license": True, "industrialized": True}


def innovative(aid: str) -> dict[str, Any]:
    return {"id": aid, "kind": "innovative_drug", "date": "2025-10-09", **DRUG}


def prior(basis: str) -> list[dict[str, Any]]:
    return [{"clause": "art10.innovative_drug", "basis": basis, "year": 2024, "amount": 3_000_000}]


def support(basis: str, status: str) -> list[dict[str, Any]]:
    return [{"basis": basis, "policy": "平谷区其他政策", "amount": 3_500_000, "status": status}]


@pytest.mark.parametrize("aid", IDS)
def test_without_a_prior_award_the_approval_is_granted(aid: str) -> None:
    result = decide(baseline(approvals=[innovative(aid)]))
    entry = clause(result, "art10.innovative_drug", f"approval:{aid}")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 3_000_000)
    assert [a["basis"] for a in result["awards"]] == [f"approval:{aid}"]


@pytest.mark.parametrize("aid", IDS)
def test_a_prior_award_on_the_same_id_fails_once_per_approval(aid: str) -> None:
    """The prior award's basis holds the id as it is: already paid, ineligible, nothing paid twice."""
    result = decide(baseline(approvals=[innovative(aid)], prior_awards=prior(f"approval:{aid}")))
    entry = clause(result, "art10.innovative_drug", f"approval:{aid}")
    once = condition(entry, "art10.once_per_approval")
    assert (once["status"], once["observed"]) == ("fail", {"prior_award": 0})
    assert entry["status"] == "ineligible"
    assert result["awards"] == [] and result["total_yuan"] == 0


@pytest.mark.parametrize("aid", [NEWLINE_ID, HOSTILE_ID])
def test_ids_match_exactly(aid: str) -> None:
    """A prior award on a near id (no newline, an extra space) is another approval: granted."""
    near = aid.replace("\n", "") + " "
    result = decide(baseline(approvals=[innovative(aid)], prior_awards=prior(f"approval:{near}")))
    assert clause(result, "art10.innovative_drug", f"approval:{aid}")["status"] == "granted"


@pytest.mark.parametrize("aid", IDS)
def test_support_received_on_the_same_id_blocks_the_clause(aid: str) -> None:
    data = baseline(approvals=[innovative(aid)], other_pinggu_support=support(f"approval:{aid}", "received"))
    result = decide(data)
    entry = clause(result, "art10.innovative_drug", f"approval:{aid}")
    assert entry["status"] == "blocked"
    assert result["awards"] == []


@pytest.mark.parametrize("aid", [NEWLINE_ID, HOSTILE_ID])
def test_support_eligible_on_the_same_id_competes(aid: str) -> None:
    """Eligible support of 3,500,000 on the same approval beats the 3,000,000 award: superseded."""
    data = baseline(approvals=[innovative(aid)], other_pinggu_support=support(f"approval:{aid}", "eligible"))
    entry = clause(decide(data), "art10.innovative_drug", f"approval:{aid}")
    assert entry["status"] == "superseded"


@pytest.mark.parametrize("prefix", ["standard", "investment"])
@pytest.mark.parametrize("aid", [NEWLINE_ID, HOSTILE_ID])
def test_standard_and_investment_keys_accept_any_id(prefix: str, aid: str) -> None:
    PriorAward(clause="art9.standard", basis=f"{prefix}:{aid}", year=2024, amount=1)
    OtherSupport(basis=f"{prefix}:{aid}", policy="p", amount=1, status="received")


@pytest.mark.parametrize("basis", [
    "approval:",             # empty id
    "license:a-1",           # unknown prefix
    "Approval:a-1",
    "output:20255",          # bad year
    "output:1899",
    "rd:2101",
    "output:٢٠٢٥",           # not ASCII digits
    "output:2025\n",         # a newline is part of an id only
    "rating:fame:2025",      # unknown family
    "procurement:bakery:2025",
    "approval:" + "x" * 201,  # longer than any id
])
def test_a_malformed_basis_key_is_refused(basis: str) -> None:
    with pytest.raises(InputError) as raised:
        declaration_from_data(baseline(prior_awards=prior(basis)))
    [(field, reason)] = raised.value.problems
    assert field == "prior_awards[0].basis"
    assert reason.startswith("must be a basis key")
    with pytest.raises(ValidationError):
        OtherSupport(basis=basis, policy="p", amount=1, status="received")


def _cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pinggu_asp.cli", "check", str(path)], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("aid", [NEWLINE_ID, HOSTILE_ID])
def test_end_to_end_through_the_cli(tmp_path: Path, aid: str) -> None:
    """Through `pinggu-asp check`: exit 0, the prior award fails the clause, the received support blocks it."""
    data = baseline(approvals=[innovative(aid), {**innovative(aid + "-2"), "kind": "class3_device"}],
                    prior_awards=prior(f"approval:{aid}"),
                    other_pinggu_support=support(f"approval:{aid}-2", "received"))
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = _cli(path)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert clause(result, "art10.innovative_drug", f"approval:{aid}")["status"] == "ineligible"
    assert clause(result, "art10.class3_device", f"approval:{aid}-2")["status"] == "blocked"
    assert result["awards"] == [] and result["total_yuan"] == 0


def test_a_malformed_basis_through_the_cli_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(baseline(prior_awards=prior("approval:"))), encoding="utf-8")
    run = _cli(path)
    assert run.returncode == 2
    assert "prior_awards[0].basis" in run.stderr and "must be a basis key" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
