"""New problem files show up without code changes; in development mode without a restart."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.bank.store import BankStore
from tests.bank.test_loader import VALID


@pytest.fixture
def folder(tmp_path: Path, problems_dir: Path) -> Path:
    """A bank with one real problem beside the test's own: each reload validates the whole folder, and the
    midterm's gradients on every seed would make these tests about validation speed."""
    folder = tmp_path / "problems"
    folder.mkdir()
    shutil.copy(problems_dir / "c147-w23-midterm" / "1-multiple-choice.yaml", folder)
    return folder


def test_in_development_mode_a_new_file_appears_without_a_restart(folder: Path) -> None:
    store = BankStore(folder, watch=True)
    assert "tiny" not in store.get().problems
    (folder / "tiny.yaml").write_text(VALID, encoding="utf-8")
    assert store.get().problems["tiny"].title == "Tiny"


def test_an_edited_file_is_reloaded_and_a_broken_edit_keeps_the_last_good_bank(folder: Path) -> None:
    path = folder / "tiny.yaml"
    path.write_text(VALID, encoding="utf-8")
    store = BankStore(folder, watch=True)
    path.write_text(VALID.replace("title: Tiny", "title: Tinier"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even within the filesystem's clock resolution
    assert store.get().problems["tiny"].title == "Tinier"
    path.write_text("id: [\n", encoding="utf-8")
    assert store.get().problems["tiny"].title == "Tinier"


def test_without_development_mode_the_bank_is_loaded_once(folder: Path) -> None:
    store = BankStore(folder, watch=False)
    (folder / "tiny.yaml").write_text(VALID, encoding="utf-8")
    assert "tiny" not in store.get().problems
    assert "tiny" in BankStore(folder).get().problems  # ...and at the next start


def test_a_reload_that_would_put_a_wrong_answer_live_keeps_the_last_good_version(folder: Path) -> None:
    path = folder / "tiny.yaml"
    with_truth = VALID.replace("  x: {shape: [D, 1]}\n", '  x: {shape: [D, 1]}\n  doubled: {expr: "2 x"}\n').replace(
        "    names: [x]\n", "    names: [x]\n    target: doubled\n"
    )
    path.write_text(with_truth, encoding="utf-8")
    store = BankStore(folder, watch=True, seeds=2)
    path.write_text(with_truth.replace('answer: "2 x"', 'answer: "3 x"'), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert store.get().problems["tiny"].part("double").answer == "2 x"
    (message,) = store.errors[str(path)]
    assert "part double (1): the answer '3 x' disagrees with the engine's value of `doubled`" in message
