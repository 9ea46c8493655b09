"""mldebtlint reads code, it never runs it: a tree whose every file would leave a marker if it
were imported or run is checked by a real `python -m mldebtlint` process, and no marker appears."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

# files Python or its tooling would import or run, and names that shadow our own dependencies
TRAPS = (
    "conftest.py",
    "setup.py",
    "sitecustomize.py",
    "usercustomize.py",
    "pkg/__init__.py",
    "pkg/__main__.py",
    "pkg/models.py",
    "train.py",
    "click.py",
    "pathspec.py",
    "libcst/__init__.py",
    "mldebtlint_plugin.py",
)


def _trap(marker: Path) -> str:
    return (
        f"open({str(marker)!r}, 'w').write('imported')\n"
        "if __name__ == '__main__':\n"
        f"    open({str(marker) + '.main'!r}, 'w').write('run')\n"
        "from datasets import load_dataset\n"
        "data = load_dataset('imdb')\n"
    )


@pytest.fixture
def trapped(tmp_path: Path) -> tuple[Path, Path]:
    """(project, markers): the project's files each write markers/NAME if imported or run."""
    project = tmp_path / "project"
    markers = tmp_path / "markers"
    markers.mkdir()
    (project / ".git").mkdir(parents=True)
    for name in TRAPS:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_trap(markers / name.replace("/", "_")))
    (project / "pyproject.toml").write_text(
        "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n\n"
        "[tool.mldebtlint]\nextend-exclude = []\n"
    )
    return project, markers


def _mldebtlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "mldebtlint", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_the_traps_work(trapped: tuple[Path, Path]) -> None:
    # the canary: running one of the files does leave its markers, so their absence means something
    project, markers = trapped
    subprocess.run([sys.executable, "train.py"], cwd=project, check=False, capture_output=True)
    assert sorted(p.name for p in markers.iterdir()) == ["train.py", "train.py.main"]


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_check_never_imports_or_runs_the_checked_code(trapped: tuple[Path, Path], where: str) -> None:
    project, markers = trapped
    # from inside the project, `python -m` puts it first on sys.path: its click.py must not load
    cwd, target = (project, ".") if where == "inside" else (project.parent, "project")
    result = _mldebtlint("check", target, "--format", "json", cwd=cwd)
    assert result.stderr == ""
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["files_checked"] == len(TRAPS)
    assert {r["code"] for r in report["results"]} == {"MLD201"}
    assert list(markers.iterdir()) == []


def test_deps_and_notebooks_never_run_the_code(trapped: tuple[Path, Path]) -> None:
    project, markers = trapped
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": [*_trap(markers / "notebook").splitlines(keepends=True), "!touch " + str(markers / "shell")],
    }
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (project / "analysis.ipynb").write_text(json.dumps(notebook))
    checked = _mldebtlint("check", ".", "--format", "json", "--no-cache", cwd=project)
    assert checked.returncode == 1, checked.stderr
    assert json.loads(checked.stdout)["summary"]["files_checked"] == len(TRAPS) + 1
    manifest = _mldebtlint("deps", ".", "--format", "json", cwd=project)
    assert manifest.returncode == 0, manifest.stderr
    assert list(markers.iterdir()) == []
