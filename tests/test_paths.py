"""Findings name files relative to the project root, whatever `..` or symlinks the user passes;
the report file is written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

SMELLY = 'from datasets import load_dataset\nd = load_dataset("imdb")\n'


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    """tmp/proj (a git checkout) with src/train.py holding one finding, and a sibling tmp/other."""
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text(SMELLY)
    (tmp_path / "other").mkdir()
    return root


def filenames(*args: str, cwd: Path) -> list[str]:
    result = run_cli("check", *args, "--format", "json", cwd=cwd)
    assert result.exit_code == 1, result.output
    return [r["filename"] for r in json.loads(result.output)["results"]]


@pytest.mark.parametrize(
    ("where", "target"),
    [
        ("other", "../proj/src"),
        ("other", "../proj/src/../src/train.py"),
        ("other", "../proj"),
        ("proj/src", ".."),
        ("proj/src", "train.py"),
        ("proj", "./src/./train.py"),
    ],
)
def test_dotdot_paths_are_named_from_the_project_root(proj: Path, where: str, target: str) -> None:
    assert filenames(target, cwd=proj.parent / where) == ["src/train.py"]


def test_symlinked_directory_from_outside(proj: Path) -> None:
    (proj.parent / "link").symlink_to(proj / "src")
    assert filenames("link", cwd=proj.parent) == ["src/train.py"]
    assert filenames("../link/train.py", cwd=proj.parent / "other") == ["src/train.py"]


def test_symlinked_project_root(proj: Path) -> None:
    (proj.parent / "alias").symlink_to(proj)
    assert filenames("alias/src", cwd=proj.parent) == ["src/train.py"]
    assert filenames(str(proj.parent / "alias"), cwd=proj.parent / "other") == ["src/train.py"]


def test_symlink_inside_the_project(proj: Path) -> None:
    (proj / "mirror").symlink_to(proj / "src")
    # a walk does not follow links (no file twice, no loops); a link named explicitly is followed
    assert filenames(".", cwd=proj) == ["src/train.py"]
    assert filenames("mirror", cwd=proj) == ["mirror/train.py"]


def test_failed_output_write_leaves_no_partial_file(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = proj / "report.json"
    out.write_text("previous report\n")
    real_write_text = Path.write_text

    def write_text(self: Path, data: str, *args: object, **kwargs: object) -> int:
        if self.name.startswith(".report.json.tmp"):
            real_write_text(self, data[:10])  # the disk fills up half way
            raise OSError(28, "No space left on device")
        return real_write_text(self, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", write_text)
    result = run_cli("check", ".", "--format", "json", "-o", "report.json", cwd=proj)
    assert result.exit_code == 2
    assert result.output == "mldebtlint: error: report.json: cannot write output: No space left on device\n"
    assert out.read_text() == "previous report\n"
    assert sorted(p.name for p in proj.iterdir()) == [".git", "report.json", "src"]


def test_output_file_replaces_the_previous_report(proj: Path) -> None:
    out = proj / "report.json"
    out.write_text("previous report\n")
    result = run_cli("check", ".", "--format", "json", "-o", "report.json", cwd=proj)
    assert result.exit_code == 1
    assert [r["filename"] for r in json.loads(out.read_text())["results"]] == ["src/train.py"]
    assert sorted(p.name for p in proj.iterdir()) == [".git", "report.json", "src"]
