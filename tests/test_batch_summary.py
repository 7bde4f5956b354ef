"""pinggu-summary/1 adds up the result documents; a reform's difference is the one worked out by hand."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from batch_support import batch, generated, read_jsonl, write_lines
from support import baseline, set_annual


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict]:
    folder = tmp_path_factory.mktemp("summary")
    source = generated(folder / "in.jsonl", 100, seed=5, invalid=0.03)
    output, summary = folder / "out.jsonl", folder / "summary.json"
    result = batch(source, "-o", output, "--summary", summary, "--jobs", 1)
    assert result.exit_code == 0, result.output
    return read_jsonl(output), json.loads(summary.read_text(encoding="utf-8"))


def _sum(values: list[object]) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def test_totals_are_the_sum_of_the_awards_by_article_and_by_payer(run: tuple[list[dict], dict]) -> None:
    results, summary = run
    awards = [a for r in results if r["schema"] == "pinggu-result/1" for a in r["awards"]]
    assert awards, "the population should earn awards"
    by_article: dict[str, list[object]] = defaultdict(list)
    by_payer: dict[str, list[object]] = defaultdict(list)
    by_clause: dict[str, list[object]] = defaultdict(list)
    for a in awards:
        by_article[a["clause"].split(".")[0][3:]].append(a["amount_yuan"])
        by_payer[a["payer"]].append(a["amount_yuan"])
        by_clause[a["clause"]].append(a["amount_yuan"])
    assert {k: Decimal(str(v)) for k, v in summary["totals_by_article"].items()} == {k: _sum(v) for k, v in by_article.items()}
    assert {k: Decimal(str(v)) for k, v in summary["totals_by_payer"].items()} == {k: _sum(v) for k, v in by_payer.items()}
    assert {k: Decimal(str(v)) for k, v in summary["totals_by_clause"].items()} == {k: _sum(v) for k, v in by_clause.items()}
    assert Decimal(str(summary["total_yuan"])) == _sum([r["total_yuan"] for r in results if "total_yuan" in r])
    assert Decimal(str(summary["total_yuan"])) == _sum(list(summary["totals_by_locality"].values()))


def test_status_counts_invalid_and_failing_conditions_follow_the_results(run: tuple[list[dict], dict]) -> None:
    results, summary = run
    decided = [r for r in results if r["schema"] == "pinggu-result/1"]
    invalid = [r for r in results if r["schema"] == "pinggu-error/1"]
    assert (summary["declarations"], summary["decided"], summary["invalid"]) == (len(results), len(decided), len(invalid))
    assert summary["invalid_declarations"] == invalid
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failing: dict[tuple[str, str], int] = defaultdict(int)
    for r in decided:
        for c in r["clauses"]:
            counts[c["clause"]][c["status"]] += 1
            for cond in c["conditions"]:
                if cond["status"] == "fail":
                    failing[(c["clause"], cond["id"])] += 1
    assert summary["status_counts"] == {k: dict(v) for k, v in counts.items()}
    listed = {(f["clause"], f["condition"]): f["count"] for f in summary["failing_conditions"]}
    assert listed == failing
    assert [f["count"] for f in summary["failing_conditions"]] == sorted(listed.values(), reverse=True)


def test_near_misses_fail_on_exactly_one_numeric_condition_by_at_most_a_tenth(run: tuple[list[dict], dict]) -> None:
    results, summary = run
    near = summary["near_misses"]["items"]
    assert near, "the population's boundary cases should give near misses"
    for item in near:
        result = results[item["line"] - 1]  # one declaration a line, no blank lines
        [clause] = [c for c in result["clauses"] if (c["clause"], c["subject"]) == (item["clause"], item["subject"])]
        assert clause["status"] == "ineligible"
        failed = [c for c in clause["conditions"] if c["status"] == "fail"]
        assert [c["id"] for c in failed] == [item["condition"]]
        gap = failed[0]["gap"]
        assert gap["short_by_fen"] * 10 <= gap["passes_at_fen"]
        assert item["short_by_yuan_decimal"] == gap["short_by_yuan_decimal"]
        assert (item["short_by_fen"], item["passes_at_fen"]) == (gap["short_by_fen"], gap["passes_at_fen"])


def _art3(name: str, code: str, previous: int, current: int) -> dict:
    data = baseline()
    data["enterprise"].update(name=name, credit_code=code)
    set_annual(data, 2024, gross_output=previous)
    set_annual(data, 2025, gross_output=current)
    return data


def test_raising_the_art3_cap_costs_what_the_arithmetic_says(tmp_path: Path) -> None:
    # Art 3 pays 0.5% of the output increase, at most 5,000,000 yuan (the cap under reform: 6,000,000).
    declarations = [
        _art3("甲", "91110117MA01C4QX37", 1_000_000_000, 2_400_000_000),  # 7,000,000 -> 5,000,000 | 6,000,000
        _art3("乙", "91110117000000001B", 1_000_000_000, 2_100_000_000),  # 5,500,000 -> 5,000,000 | 5,500,000
        _art3("丙", "91110117000000001B", 100_000_000, 200_000_000),  # 500,000 either way
    ]
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(d, ensure_ascii=False) for d in declarations])
    summary = tmp_path / "summary.json"
    result = batch(source, "-o", tmp_path / "out.jsonl", "--summary", summary, "--jobs", 1,
                   "--compare-param", "art3_cap=6000000")
    assert result.exit_code == 0, result.output
    comparison = json.loads(summary.read_text(encoding="utf-8"))["comparison"]
    assert comparison["total"] == {"baseline_yuan": 10_500_000, "reform_yuan": 12_000_000, "difference_yuan": 1_500_000}
    assert comparison["by_article"]["3"] == comparison["total"]
    assert comparison["by_clause"]["art3.output_growth"]["difference_yuan"] == 1_500_000
    assert comparison["by_payer"]["district"]["difference_yuan"] == 1_500_000
    changed = comparison["enterprises_changed"]
    assert changed["count"] == 2
    assert [(c["name"], c["baseline_total_yuan"], c["reform_total_yuan"]) for c in changed["items"]] == [
        ("甲", 5_000_000, 6_000_000), ("乙", 5_000_000, 5_500_000)]
    assert comparison["reform"]["parameter_overrides"] == ["art3_cap=6000000"]


def test_a_reform_file_and_a_reading_switch_compare_too(tmp_path: Path) -> None:
    from support import REPO

    text = (REPO / "asp_rules" / "parameters.yaml").read_text(encoding="utf-8")
    reform = tmp_path / "reform.yaml"
    reform.write_text(text.replace("values: {2025-08-29: 5000000}", "values: {2025-08-29: 6000000}", 1), encoding="utf-8")
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(_art3("甲", "91110117MA01C4QX37", 10**9, 24 * 10**8))])
    summary = tmp_path / "summary.json"
    result = batch(source, "-o", tmp_path / "out.jsonl", "--summary", summary, "--jobs", 1,
                   "--compare-parameters", reform, "--compare-interpretation", "I-output-stack")
    assert result.exit_code == 0, result.output
    comparison = json.loads(summary.read_text(encoding="utf-8"))["comparison"]
    assert comparison["reform"]["interpretations"] == ["I-output-stack"]
    assert comparison["total"]["difference_yuan"] == 1_000_000


def test_a_summary_alone_builds_no_result_and_is_the_same_summary(
    run: tuple[list[dict], dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--summary without -o: each digest is read from the answer's records, and no result document is built."""
    import pinggu_asp.engine.decide as engine
    import pinggu_asp.engine.result as result

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a summary alone built a result document")

    monkeypatch.setattr(engine, "build_result", refuse)
    monkeypatch.setattr(result, "build_result", refuse)
    source = generated(tmp_path / "in.jsonl", 100, seed=5, invalid=0.03)
    summary = tmp_path / "summary.json"
    alone = batch(source, "--summary", summary, "--jobs", 1)
    assert alone.exit_code == 0, alone.output
    assert json.loads(summary.read_text(encoding="utf-8")) == run[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "summary.json"]


def test_the_digest_of_an_answer_is_the_digest_of_its_result() -> None:
    """digest_answer (no document) and digest (of the result document) agree on every declaration,
    near misses, failing conditions and statuses included."""
    from batch_support import population
    from pinggu_asp.batch.summary import digest, digest_answer
    from pinggu_asp.engine.decide import answer_many
    from pinggu_asp.engine.result import build_result
    from pinggu_asp.engine.solve import EngineError, default_ruleset
    from pinggu_asp.loading import InputError, declaration_from_data

    decls = []
    for line in population(150, seed=23, invalid=0.0):
        try:
            decls.append(declaration_from_data(json.loads(line)))
        except InputError:
            continue
    ruleset = default_ruleset()
    near = 0
    for decl, outcome in zip(decls, answer_many(decls, ruleset), strict=True):
        if isinstance(outcome, EngineError):
            continue
        where = {"line": 1}
        expected = digest(build_result(decl, outcome, ruleset), where, decl.enterprise.locality)
        assert digest_answer(outcome, decl, where) == expected
        near += len(expected.near_misses)
    assert near, "the population should hold near misses"


def test_a_batch_needs_an_output_or_a_summary(tmp_path: Path) -> None:
    source = generated(tmp_path / "in.jsonl", 3, seed=5)
    result = batch(source, "--jobs", 1)
    assert result.exit_code == 2
    assert "--output" in result.output and "Traceback" not in result.output
