"""Start-up: the commands that parse nothing never import libcst (its import is most of the
start-up time of a run on one file). Checked in a fresh interpreter, not timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, run_cli

PROBE = """
import json, sys
from mldebtlint.cli import main
imported = {}
for args in json.loads(sys.argv[1]):
    try:
        main(args, standalone_mode=False)
    except SystemExit:
        pass
    imported[" ".join(args)] = "libcst" in sys.modules
print(json.dumps(imported))
"""


def _imports_libcst(*commands: list[str], cwd: Path = REPO) -> dict[str, bool]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(commands)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_help_version_rules_and_explain_do_not_import_libcst() -> None:
    commands = (["--version"], ["--help"], ["check", "--help"], ["rules"], ["explain", "MLD601"])
    assert _imports_libcst(*commands) == {" ".join(c): False for c in commands}


def test_a_run_answered_by_the_cache_does_not_import_libcst(tmp_path: Path) -> None:
    args = ["check", "fixtures/sample-ml-repo", "--cache-dir", str(tmp_path)]
    assert run_cli(*args).exit_code == 1  # fills the cache
    assert _imports_libcst(args) == {" ".join(args): False}
