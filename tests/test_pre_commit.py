"""The pre-commit hook, for real: `pre-commit try-repo` installs this checkout into a fresh
environment and runs the hook on a throwaway repository. It needs the package index (pip)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

SMELLY = "from datasets import load_dataset\n\nreviews = load_dataset('imdb')\n"
FIXED = SMELLY.replace("('imdb')", "('imdb', revision='e6281661ce1c48d982bc483cf8a173c1bbeb5d31')")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(REPO),
        "mldebtlint",
        "--all-files",
        "--color",
        "never",
    ]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


def test_hook_manifest_matches_the_documented_hook() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "mldebtlint check --force-exclude"
    assert hook["types_or"] == ["python", "pyi", "jupyter"]
    assert hook["require_serial"] is True
    assert hook["language"] == "python"


@pytest.mark.network
def test_pre_commit_try_repo_fails_on_smelly_code_and_passes_once_fixed(tmp_path: Path) -> None:
    # each try-repo clones this checkout and pip-installs it into a fresh environment
    if not (REPO / ".git").exists():
        pytest.skip("try-repo needs the project as a git checkout (an sdist is not one)")
    _git(tmp_path, "init", "-q")
    (tmp_path / "corpus.py").write_text(SMELLY)
    _git(tmp_path, "add", "corpus.py")
    failed = _try_repo(tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert (
        "corpus.py:3:11: MLD201 [warning] `load_dataset` loads a dataset `'imdb'` without `revision=`" in failed.stdout
    )
    (tmp_path / "corpus.py").write_text(FIXED)
    _git(tmp_path, "add", "corpus.py")
    passed = _try_repo(tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "mldebtlint" in passed.stdout and "Passed" in passed.stdout
