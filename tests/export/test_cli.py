"""`quizzes export qti|moodle`: writes the file and prints what was exported and skipped."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import PROBLEMS
from tests.export.qti_checker import check_package


@pytest.mark.parametrize("kind", ["qti", "moodle"])
def test_export_writes_the_file_and_reports_every_part(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / ("out.zip" if kind == "qti" else "out.xml")
    argv = ["export", kind, "--set", "c147-w23-midterm", "--seed", "0", "-o", str(out), "--problems", str(PROBLEMS)]
    assert main(argv) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("exported 1a ") and "checkbox" in printed[0]
    assert any(line.startswith("skipped  2a ") and "self-assessment" in line for line in printed)
    assert printed[-1] == f"{out}: 8 exported, 23 skipped (c147-w23-midterm, seed 0, {kind})"
    if kind == "qti":
        assert zipfile.is_zipfile(out)
        check_package(out.read_bytes())
    else:
        assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')


def test_an_unknown_set_is_an_error_listing_the_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["export", "qti", "--set", "nope", "-o", str(tmp_path / "x.zip"), "--problems", str(PROBLEMS)]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"quizzes export: no problem set 'nope' in {PROBLEMS}; sets: c147-w23-midterm, dl-practice\n"
    )
    assert not (tmp_path / "x.zip").exists()


def test_a_negative_seed_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "moodle", "--set", "c147-w23-midterm", "--seed", "-1", "-o", "x.xml"])
    assert "a seed is 0 or more" in capsys.readouterr().err
