"""第十三条 支持合成生物产业科技成果转化 (art13.synbio_project).

"对于固定资产实际投资额（不含地价款）在 500 万元（含）以上（产业地产项目与数据中心项目除外）且投产后年产值
达到 2000 万元的项目，按固定资产投资额的 5%给予资金奖励，最高不超过 300 万元。"
Support year 2025, declared 2026-04-10. Each test's name says the expected conclusion and why. The
boundaries (investment, output, the cap, 投产后), the one-condition-at-a-time table and several
projects are cases in tests/cases/art13.yaml; what stays here is what a case cannot state (gaps,
missing fields, observed and required values, the unrounded amount, sources).
"""

from typing import Any

import pytest

from support import baseline, clause, condition, decide, statuses

CLAUSE = "art13.synbio_project"


def project(**overrides: Any) -> dict[str, Any]:
    """A synthetic-biology project that qualifies unless overridden: 12,000,000 invested, 21,000,000 output."""
    proj = {
        "id": "p-1",
        "field": "synthetic_biology",
        "tech_transfer": True,
        "in_pinggu": True,
        "kind": "production",
        "fixed_asset_investment": 12_000_000,
        "commissioned_date": "2025-03-01",
        "output": {2025: 21_000_000},
    }
    proj.update(overrides)
    return {k: v for k, v in proj.items() if v is not None}


def synbio(*projects: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    data = baseline(investment_projects=list(projects) or [project()], **kwargs)
    return clause(decide(data), CLAUSE, "investment:p-1")


def test_eligible_project_is_granted_5_percent_of_investment():
    """5% × 12,000,000 = 600,000, paid exactly (a ratio, not a ceiling)."""
    entry = synbio()
    assert entry["status"] == "granted"
    assert set(statuses(entry).values()) == {"pass"}
    assert entry["amount_yuan"] == 600_000
    assert entry["up_to"] is False and entry["cap_yuan"] == 3_000_000
    assert entry["basis"] == "investment:p-1" and entry["payer"] == "district"


# --- "500 万元（含）以上": inclusive ----------------------------------------------------

def test_investment_4999999_is_below_5m_so_ineligible():
    entry = synbio(project(fixed_asset_investment=4_999_999))
    cond = condition(entry, "art13.investment_5m")
    assert cond["status"] == "fail"
    assert cond["gap"] == {"passes_at_yuan_decimal": "5000000.00", "short_by_yuan_decimal": "1.00", "passes_at_fen": 500_000_000, "short_by_fen": 100}
    assert entry["status"] == "ineligible"


# --- "年产值达到 2000 万元": inclusive (I-art13-output-in-Y) ------------------------------

def test_output_19999999_is_short_of_20m_so_ineligible():
    entry = synbio(project(output={2025: 19_999_999}))
    cond = condition(entry, "art13.output_20m")
    assert cond["status"] == "fail" and cond["gap"]["short_by_yuan_decimal"] == "1.00"
    assert entry["status"] == "ineligible"


def test_output_of_support_year_missing_is_unknown_so_undetermined():
    """Only 2024 output is declared: the support year's output is unknown, never false."""
    entry = synbio(project(output={2024: 30_000_000}))
    cond = condition(entry, "art13.output_20m")
    assert cond["status"] == "unknown"
    assert cond["missing"] == "investment_projects[p-1].output.2025"
    assert entry["status"] == "undetermined"


# --- "投产后" -------------------------------------------------------------------------------

def test_commissioned_date_missing_is_unknown_so_undetermined():
    entry = synbio(project(commissioned_date=None))
    cond = condition(entry, "art13.commissioned")
    assert cond["status"] == "unknown"
    assert cond["missing"] == "investment_projects[p-1].commissioned_date"
    assert entry["status"] == "undetermined"


def test_industrial_real_estate_project_is_excluded():
    """产业地产项目…除外."""
    entry = synbio(project(kind="industrial_real_estate"))
    cond = condition(entry, "art13.project_kind")
    assert cond["status"] == "fail"
    assert cond["observed"] == "industrial_real_estate"
    assert cond["required"] == ["industrial_real_estate", "data_center"]
    assert entry["status"] == "ineligible"


def test_project_already_paid_is_ineligible():
    """Once per project: a prior award on investment:p-1 ends it."""
    prior = [{"clause": "art13.synbio_project", "basis": "investment:p-1", "year": 2025, "amount": 600_000}]
    entry = synbio(prior_awards=prior)
    cond = condition(entry, "art13.not_paid")
    assert cond["status"] == "fail" and cond["observed"] == {"prior_award": 0}
    assert entry["status"] == "ineligible"


# --- "最高不超过 300 万元": the cap, exact at scale -----------------------------------------

def test_investment_just_under_cap_point_is_floored_not_capped():
    """5% × 59,999,999 = 2,999,999.95, floored to 2,999,000 (第十七条)."""
    entry = synbio(project(fixed_asset_investment=59_999_999))
    assert entry["amount_before_rounding_yuan_decimal"] == "2999999.95"
    assert entry["amount_yuan"] == 2_999_000


@pytest.mark.parametrize("investment,before_rounding,amount", [
    (59_999_999, "2999999.95", 2_999_000),
    (60_000_000, "3000000.00", 3_000_000),
    (60_000_001, "3000000.00", 3_000_000),  # 5% is 3,000,000.05: "最高不超过 300 万元" caps it
])
def test_cap_boundary(investment, before_rounding, amount):
    entry = synbio(project(fixed_asset_investment=investment))
    assert entry["amount_before_rounding_yuan_decimal"] == before_rounding
    assert entry["amount_yuan"] == amount


# --- every condition names the declared field it read, with the project id ----------------------

def test_every_condition_names_its_source_field():
    entry = synbio()
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art13.field": "investment_projects[p-1].field",
        "art13.tech_transfer": "investment_projects[p-1].tech_transfer",
        "art13.in_pinggu": "investment_projects[p-1].in_pinggu",
        "art13.project_kind": "investment_projects[p-1].kind",
        "art13.investment_5m": "investment_projects[p-1].fixed_asset_investment",
        "art13.commissioned": "investment_projects[p-1].commissioned_date",
        "art13.output_20m": "investment_projects[p-1].output.2025",
        "art13.not_paid": "prior_awards",
    }


def test_sources_follow_each_project():
    """Two projects: each entry's sources name its own id."""
    data = baseline(investment_projects=[project(), project(id="p-2")])
    entry = clause(decide(data), CLAUSE, "investment:p-2")
    sources = {c["id"]: c["source_field"] for c in entry["conditions"]}
    assert all(s.startswith("investment_projects[p-2].") for k, s in sources.items() if k != "art13.not_paid"), sources
