"""Which files are checked: default excludes, config excludes, .gitignore, --force-exclude."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.config import Overrides, load_settings
from mldebtlint.discovery import discover


def _touch(project: Path, *names: str) -> None:
    for name in names:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def _found(project: Path, *paths: str, overrides: Overrides | None = None) -> list[str]:
    settings = load_settings(project, overrides)
    return [c.relpath for c in discover([project / p for p in paths or (".",)], settings)]


def test_default_excludes_and_suffixes(project: Path) -> None:
    _touch(project, "train.py", "stubs.pyi", "notes.txt", ".venv/lib/x.py", "build/y.py", "src/__pycache__/z.py")
    assert _found(project) == ["stubs.pyi", "train.py"]


def test_gitignore_nested_and_info_exclude(project: Path) -> None:
    _touch(project, "a.py", "scratch/b.py", "pkg/gen_c.py", "pkg/d.py", "local.py")
    (project / ".gitignore").write_text("scratch/\n")
    (project / "pkg" / ".gitignore").write_text("gen_*.py\n")
    (project / ".git" / "info").mkdir()
    (project / ".git" / "info" / "exclude").write_text("local.py\n")
    assert _found(project) == ["a.py", "pkg/d.py"]


def test_exclude_and_extend_exclude(project: Path) -> None:
    _touch(project, "a.py", "experiments/old.py", "data/gen.py")
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nextend-exclude = ["experiments/", "data/*.py"]\n')
    assert _found(project) == ["a.py"]


def test_named_file_is_checked_unless_force_exclude(project: Path) -> None:
    _touch(project, "experiments/old.py")
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nextend-exclude = ["experiments/"]\n')
    assert _found(project, "experiments/old.py") == ["experiments/old.py"]
    assert _found(project, "experiments/old.py", overrides=Overrides(force_exclude=True)) == []


def test_respect_gitignore_false(project: Path) -> None:
    _touch(project, "a.py", "scratch/b.py")
    (project / ".gitignore").write_text("scratch/\n")
    (project / "pyproject.toml").write_text("[tool.mldebtlint]\nrespect-gitignore = false\n")
    assert _found(project) == ["a.py", "scratch/b.py"]


def test_symlinked_directories_are_not_followed(project: Path) -> None:
    _touch(project, "src/a.py")
    (project / "src" / "loop").symlink_to(project / "src")
    assert _found(project) == ["src/a.py"]
