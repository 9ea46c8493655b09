"""The README's quick start is what CI runs, and the code is clean by its own standards."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.strip().splitlines() if line and not line.startswith("#")]


def test_ci_runs_the_readme_test_command() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == commands[1]


def test_readme_scan_command_names_the_bundled_fixture() -> None:
    assert "mldebtlint check fixtures/sample-ml-repo" in _readme_commands()[0]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(args: list[str]) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is a test dependency: pip install -e '.[test]'")
    result = subprocess.run([ruff, *args], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _yaml_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [block.split("```", 1)[0] for block in text.split("```yaml\n")[1:]]


def test_readme_pre_commit_and_workflow_snippets_are_valid_and_use_real_names() -> None:
    import yaml

    from mldebtlint.cli import OUTPUT_FORMATS

    pre_commit, workflow = (yaml.safe_load(block) for block in _yaml_blocks())
    [manifest_hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert pre_commit["repos"][0]["hooks"][0]["id"] == manifest_hook["id"]
    steps = workflow["jobs"]["mldebtlint"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    formats = {part.split()[0] for part in commands.split("--format ")[1:]}
    assert formats == {"markdown", "sarif", "github"} and formats <= set(OUTPUT_FORMATS)
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif@") for step in steps)
