"""The manifest, asp_rules/pack.yaml: the one list of rule files, and what derives from it (issue 20 §2)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path, PurePosixPath

import clingo.ast
import pytest
import yaml

from pinggu_asp.analysis.catalogue import known_clauses
from pinggu_asp.declaration import SCHEMA, clause_ids
from pinggu_asp.engine import solve
from pinggu_asp.policy import pack
from pinggu_asp.policy.interpretations import modules_for, switch_names_for_help, switches
from pinggu_asp.policy.readings import catalogue as readings_catalogue
from pinggu_asp.policy.rules_files import interpretation_path, program_paths, rules_dir

REPO = Path(__file__).resolve().parent.parent


def test_the_manifest_names_the_policy_and_its_files() -> None:
    doc = pack.manifest()
    assert doc["declaration_schema"] == SCHEMA
    law = pack.path_of("official_text").read_text(encoding="utf-8")
    assert doc["document_number"] in law
    assert doc["title"]["zh"] in law.replace(" ", "")
    assert doc["issuer"]["zh"] in law
    assert pack.path_of("spec").is_file()
    for key in ("parameters", "readings", "texts"):
        assert pack.path_of(key).is_file(), key
    assert pack.path_of("interpretations").is_dir()


def test_every_rule_file_is_named_once_and_none_is_left_out() -> None:
    named = pack.program_files()
    on_disk = sorted(p.name for p in rules_dir().glob("*.lp"))
    assert sorted(named) == on_disk
    assert [p.name for p in program_paths()] == list(named)


@pytest.mark.parametrize("switched", [(), ("I-output-stack", "I-upgrade-full")])
def test_grounding_reads_exactly_the_files_the_manifest_names(monkeypatch: pytest.MonkeyPatch, switched: tuple[str, ...]) -> None:
    # The parse is the only place the engine reads rule files; spy on it with the caches cleared.
    read: list[str] = []
    real = clingo.ast.parse_files

    def spy(files, callback, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.extend(files)
        return real(files, callback, *args, **kwargs)

    monkeypatch.setattr(clingo.ast, "parse_files", spy)
    solve._files.cache_clear()
    solve._parse.cache_clear()
    try:
        ruleset = solve.default_ruleset(switched)
        ruleset.program()
    finally:
        solve._files.cache_clear()
        solve._parse.cache_clear()
    expected = [str(rules_dir() / name) for name in pack.program_files()]
    expected += [str(interpretation_path(name)) for name in modules_for(list(switched))]
    assert read == expected


def test_a_rule_file_missing_from_the_installation_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack, "program_files", lambda: ("money.lp", "art99.lp"))
    with pytest.raises(FileNotFoundError, match="art99.lp"):
        program_paths()


def test_the_switches_are_the_readings_files() -> None:
    readings = readings_catalogue()
    assert switches() == {name: spec["replaces"] for name, spec in readings.items() if "replaces" in spec}
    for switch, default in switches().items():
        assert readings[default]["switch"] == switch
        assert interpretation_path(switch).is_file() and interpretation_path(default).is_file()
    # The CLI's -i help scans the same file without YAML; it must say the same switches.
    assert sorted(switch_names_for_help()) == sorted(switches())


def test_the_i_help_lists_every_switch() -> None:
    from typer.testing import CliRunner

    from pinggu_asp.cli import app

    shown = CliRunner().invoke(app, ["check", "-h"], env={"COLUMNS": "400"}).stdout
    for switch in switches():
        assert switch in shown


def test_the_known_clauses_are_the_rules_clause_article_facts() -> None:
    assert set(clause_ids()) == set(known_clauses())
    assert len(clause_ids()) == len(set(clause_ids()))
    # article order, then the name: art3 before art10
    articles = [int(c[3:c.index(".")]) for c in clause_ids()]
    assert articles == sorted(articles)


def test_a_prior_award_of_an_unknown_clause_is_refused_with_the_known_ones() -> None:
    from pinggu_asp.loading import InputError, declaration_from_data

    example = yaml.safe_load((REPO / "examples" / "declaration.yaml").read_text(encoding="utf-8"))
    example["prior_awards"] = [{"clause": "art3.output_grwth", "basis": "output:2024", "year": 2024, "amount": 100000}]
    with pytest.raises(InputError) as caught:
        declaration_from_data(example, "d.yaml")
    message = str(caught.value)
    assert "prior_awards[0].clause" in message or "prior_awards.0.clause" in message
    assert "'art3.output_grwth' is not allowed" in message and "'art3.output_growth'" in message
    example["prior_awards"][0]["clause"] = "art3.output_growth"
    assert declaration_from_data(example, "d.yaml").prior_awards[0].clause == "art3.output_growth"


def test_the_wheel_ships_the_files_the_manifest_names_where_it_names_them() -> None:
    # pyproject's force-include maps the checkout into the package; the manifest's
    # relative paths must land on shipped files in that layout too.
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["asp_rules"] == "pinggu_asp/asp_rules"
    shipped = {PurePosixPath(target) for target in include.values()}
    rules_in_wheel = PurePosixPath("pinggu_asp/asp_rules")
    for key in ("official_text", "spec"):
        entry = pack.manifest()[key]
        relative = entry["file"] if isinstance(entry, dict) else entry
        parts: list[str] = list(rules_in_wheel.parts)
        for part in PurePosixPath(relative).parts:
            if part == "..":
                parts.pop()
            else:
                parts.append(part)
        assert PurePosixPath(*parts) in shipped, (key, parts)


def test_the_texts_file_has_both_languages_and_fills_its_fields() -> None:
    texts = pack.texts()
    assert {"labels", "sentences", "notes", "advisories"} <= set(texts)
    assert pack.say("sentences", "below_minimum", "en", minimum="1.0万元", own="0.9万元") == (
        "Below 1.0万元 after the Art 17 rounding: not paid (0.9万元)."
    )
    # a value's own braces are text, never a field
    assert "{x}" in pack.say("sentences", "not_applicable", "zh", ids="{x}")
    with pytest.raises(pack.PackError, match="sentences.nothing"):
        pack.words("sentences", "nothing")


def test_the_line_scan_agrees_with_the_manifest() -> None:
    # The CLI's help reads the readings file's name and the document number without a YAML parse.
    doc = pack.manifest()
    for key, value in doc.items():
        if isinstance(value, str):
            assert pack.scanned(key) == value, key
    assert pack.scanned("title") is None  # a mapping, not a scalar
    assert pack.scanned("no_such_key") is None


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"zh": "{x}中", "en": "{y} en"}, "labels: a: the placeholders differ"),
        ({"zh": "中"}, "labels: a: needs a text in each of zh, en"),
        ({"zh": "中", "en": "en", "fr": "fr"}, "labels: a: languages ['fr']"),
    ],
)
def test_the_texts_file_is_checked_as_the_message_catalogue_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: dict[str, str], says: str
) -> None:
    path = tmp_path / "texts.yaml"
    path.write_text(yaml.safe_dump({"schema": "pinggu-texts/1", "labels": {"a": entry}}), encoding="utf-8")
    real = pack.path_of
    monkeypatch.setattr(pack, "path_of", lambda key: path if key == "texts" else real(key))
    pack.texts.cache_clear()
    try:
        with pytest.raises(pack.PackError, match=re.escape(says)):
            pack.texts()
    finally:
        pack.texts.cache_clear()


def test_an_entry_may_hold_its_article_beside_its_texts() -> None:
    assert pack.words("advisories", "recovery_exposure")["article"] == 15


def test_the_apis_clause_ids_are_the_catalogues() -> None:
    # api.clause_ids (reach's list of clauses) used to run the catalogue; it is now clause_article/2 alone.
    from pinggu_asp.analysis.catalogue import catalogue
    from pinggu_asp.api import clause_ids as api_clause_ids

    ruleset = solve.default_ruleset(("I-upgrade-full",))
    assert api_clause_ids(ruleset) == tuple(c["clause"] for c in catalogue(ruleset)["clauses"])
