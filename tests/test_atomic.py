"""The one atomic writer (issue 19 §8): a file appears whole or not at all, and nothing is left behind."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from pinggu_asp.atomic import Staged, write_atomic

PACKAGE = Path(__file__).resolve().parent.parent / "pinggu_asp"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_text_and_bytes_whole(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    write_atomic(target, "{\"总额\": 1}\n")
    assert target.read_text(encoding="utf-8") == "{\"总额\": 1}\n"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(tmp_path) == []


def test_newlines_are_written_as_given(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    write_atomic(target, "a\r\nb\n")
    assert target.read_bytes() == b"a\r\nb\n"


def test_an_ordinary_file_mode_under_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "out.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "half \ud800 written")  # a lone surrogate cannot be encoded mid-write
    assert target.read_text(encoding="utf-8") == "previous"
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # os.replace cannot put a file over a directory
    with pytest.raises(OSError):
        write_atomic(target, "text")
    assert target.is_dir() and _leftovers(tmp_path) == []


def test_staged_is_invisible_until_committed(tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    staged = Staged(target)
    staged.tmp.write_text("line\n", encoding="utf-8")
    assert not target.exists() and staged.tmp.parent == tmp_path
    staged.commit()
    assert target.read_text(encoding="utf-8") == "line\n" and _leftovers(tmp_path) == []
    again = Staged(target)
    again.tmp.write_text("other\n", encoding="utf-8")
    again.discard()
    assert target.read_text(encoding="utf-8") == "line\n" and _leftovers(tmp_path) == []


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomic(tmp_path / "no" / "such" / "file.json", "x")


def test_the_package_has_one_atomic_writer() -> None:
    """Every module writes its files through pinggu_asp/atomic.py: no second temp-and-rename."""
    pattern = re.compile(r"\bmkstemp\b|\bos\.replace\(|\bos\.rename\(")
    others = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
              if p.name != "atomic.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert others == []
