"""Every ``SPEC §`` citation in the code, rules and README resolves to a section of policy/SPEC.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "policy" / "SPEC.md"
CITATION = re.compile(r"SPEC(?:\.md)? ?§ ?(\d+(?:\.\d+)?)")


def _anchors() -> set[str]:
    """Headings "## N." and "### N.M", and the numbered items "M." of section N (cited as §N.M)."""
    anchors: set[str] = set()
    section = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", line)
        if heading:
            anchors.add(heading.group(1))
            section = heading.group(1).split(".")[0]
            continue
        item = re.match(r"^(\d+)\. ", line)
        if item and section is not None:
            anchors.add(f"{section}.{item.group(1)}")
    return anchors


def _citations() -> list[tuple[str, str]]:
    found = []
    for folder in ("pinggu_asp", "asp_rules", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".lp", ".md", ".yaml"}:
                found += [(str(path.relative_to(ROOT)), m) for m in CITATION.findall(path.read_text(encoding="utf-8"))]
    found += [("README.md", m) for m in CITATION.findall((ROOT / "README.md").read_text(encoding="utf-8"))]
    return found


def test_spec_is_in_the_repository_beside_the_law() -> None:
    assert SPEC.is_file()
    assert (SPEC.parent / "measures-2025.zh.txt").is_file()


def test_every_citation_resolves() -> None:
    citations = _citations()
    assert len(citations) > 20
    anchors = _anchors()
    unresolved = sorted({f"{where}: §{ref}" for where, ref in citations if ref not in anchors})
    assert not unresolved, unresolved
