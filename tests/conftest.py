"""Shared test helpers: run the CLI, compare snapshots, build settings for a tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mldebtlint.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> Result:
    """Invoke `mldebtlint` in-process from `cwd` (default: the repository)."""
    previous = Path.cwd()
    os.chdir(cwd or REPO)
    try:
        return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    finally:
        os.chdir(previous)


def assert_snapshot(name: str, actual: str) -> None:
    """Compare with tests/snapshots/NAME; MLDEBTLINT_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("MLDEBTLINT_UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"snapshot {name} missing: run with MLDEBTLINT_UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own result cache, outside the repository (tests never share results)."""
    monkeypatch.setenv("MLDEBTLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project root (a git checkout, as users have)."""
    (tmp_path / ".git").mkdir()
    return tmp_path
