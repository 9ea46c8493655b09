"""The result cache: cached and uncached runs print the same bytes; a bad entry is only a miss."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from mldebtlint import __version__, cache
from mldebtlint.cache import ResultCache, settings_digest
from mldebtlint.config import Overrides, load_settings
from tests.conftest import run_cli

SAMPLE = "fixtures/sample-ml-repo"


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.glob(f"{__version__}/*/*") if p.is_file())


@pytest.mark.parametrize(
    ("target", "output_format", "files"),
    [(SAMPLE, "text", 7), (SAMPLE, "json", 7), (SAMPLE, "sarif", 7), ("fixtures/notebooks", "json", 8)],
)
def test_cached_runs_print_the_same_bytes_as_uncached(
    target: str, output_format: str, files: int, tmp_path: Path
) -> None:
    uncached = run_cli("check", target, "--format", output_format, "--no-cache")
    cold = run_cli("check", target, "--format", output_format, "--cache-dir", str(tmp_path))
    assert len(_entries(tmp_path)) == files
    warm = run_cli("check", target, "--format", output_format, "--cache-dir", str(tmp_path))
    assert uncached.exit_code == cold.exit_code == warm.exit_code == 1
    assert uncached.output == cold.output == warm.output


def test_cache_layout_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    cache_dir = tmp_path / "c"
    run_cli("check", SAMPLE, "--cache-dir", str(cache_dir))
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (cache_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert [p.name for p in cache_dir.iterdir() if p.is_dir()] == [__version__]
    assert not list(cache_dir.rglob("*.tmp"))


def test_default_cache_is_in_the_project_root_and_no_cache_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLDEBTLINT_CACHE_DIR")
    (project / "src").mkdir()
    (project / "src" / "train.py").write_text("x = 1\n")
    run_cli("check", "src", "--no-cache", cwd=project)
    assert not (project / ".mldebtlint_cache").exists()
    run_cli("check", "src", cwd=project)
    assert len(_entries(project / ".mldebtlint_cache")) == 1


def test_environment_variable_names_the_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLDEBTLINT_CACHE_DIR", str(tmp_path / "env"))
    run_cli("check", SAMPLE)
    assert len(_entries(tmp_path / "env")) == 7


def test_corrupt_and_truncated_entries_are_misses_and_get_rewritten(tmp_path: Path) -> None:
    expected = run_cli("check", SAMPLE, "--format", "json", "--no-cache").output
    run_cli("check", SAMPLE, "--cache-dir", str(tmp_path))
    entries = _entries(tmp_path)
    good = entries[0].read_bytes()
    entries[0].write_bytes(good[: len(good) // 2])
    entries[1].write_bytes(b"\x00\xff not json")
    entries[2].write_text(json.dumps({"key": entries[2].name, "result": {"~type": "os.system"}}))
    entries[3].write_text("")
    assert run_cli("check", SAMPLE, "--format", "json", "--cache-dir", str(tmp_path)).output == expected
    assert entries[0].read_bytes() == good
    assert all(json.loads(e.read_bytes())["key"] == e.name for e in entries)


def test_an_entry_under_another_name_is_not_trusted(tmp_path: Path) -> None:
    expected = run_cli("check", SAMPLE, "--format", "json", "--no-cache").output
    run_cli("check", SAMPLE, "--cache-dir", str(tmp_path))
    first, second = _entries(tmp_path)[:2]
    first.write_bytes(second.read_bytes())
    assert run_cli("check", SAMPLE, "--format", "json", "--cache-dir", str(tmp_path)).output == expected


def test_settings_that_change_results_change_the_cache_key(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint]\n")
    base = load_settings(project)
    digests = {
        settings_digest(base),
        settings_digest(load_settings(project, Overrides(select=("MLD4",)))),
        settings_digest(load_settings(project, Overrides(ignore=("MLD601",)))),
    }
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nseverity = { MLD601 = "error" }\n')
    digests.add(settings_digest(load_settings(project)))
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nper-file-ignores = { "a/**" = ["MLD6"] }\n')
    digests.add(settings_digest(load_settings(project)))
    (project / "pyproject.toml").write_text("[tool.mldebtlint.rules.MLD601]\nignore-values = [0.9]\n")
    digests.add(settings_digest(load_settings(project)))
    assert len(digests) == 6
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nfail-on = "error"\nexclude = ["x"]\n')
    assert settings_digest(load_settings(project)) == settings_digest(base)  # no effect on a file's result


def test_a_changed_file_is_checked_again(project: Path) -> None:
    target = project / "flags.py"
    target.write_text("x = 1\n")
    assert run_cli("check", ".", cwd=project).exit_code == 0
    target.write_text("if False:\n    x = 1\n")
    result = run_cli("check", ".", cwd=project)
    assert result.exit_code == 1
    assert "flags.py:1:1: MLD403" in result.output


def test_pruning_removes_what_went_unused(project: Path, tmp_path: Path) -> None:
    settings = load_settings(project)
    cache_dir = tmp_path / "prune"
    store = ResultCache.open(cache_dir, settings)
    assert store is not None
    old_version = cache_dir / "0.0.1" / "0123456789abcdef"
    old_version.mkdir(parents=True)
    old_settings = store.entries.parent / "fedcba9876543210"
    old_settings.mkdir()
    stale, fresh = store.entries / ("a" * 40), store.entries / ("b" * 40)
    stale.write_text("{}")
    fresh.write_text("{}")
    month_ago = time.time() - cache.MAX_AGE - 3600
    for path in (stale, old_settings, old_version, old_version.parent):
        os.utime(path, (month_ago, month_ago))
    store.prune(time.time() - cache.MAX_AGE)
    assert not old_version.parent.exists()
    assert not old_settings.exists()
    assert not stale.exists()
    assert fresh.exists()


def test_pruning_never_touches_a_directory_it_did_not_create(project: Path, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    store = ResultCache.open(tmp_path, load_settings(project))
    assert store is not None
    assert not (tmp_path / ".gitignore").exists()
    store.prune(time.time() + 10)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_an_unwritable_cache_dir_is_not_fatal(project: Path) -> None:
    (project / "blocker").write_text("a file where the cache directory should be")
    (project / "m.py").write_text("x = 1\n")
    result = run_cli("check", ".", "--cache-dir", str(project / "blocker" / "cache"), cwd=project)
    assert result.exit_code == 0
    assert result.output == "No findings in 1 file.\n"


def test_two_processes_sharing_one_cache_both_give_the_full_result(tmp_path: Path) -> None:
    """Cache under contention: two `check` processes on the same tree and cache directory at
    once both report every finding, and a third run, answered from that cache, agrees."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    for index in range(40):
        (project / f"step_{index:02}.py").write_text(
            "from datasets import load_dataset\n" + "x = 1\n" * index + f"d = load_dataset('set{index}')\n"
        )
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "mldebtlint", "check", ".", "--format", "json", "--cache-dir", str(cache)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen([*command, "--jobs", jobs], cwd=project, env=env, stdout=subprocess.PIPE, text=True)
        for jobs in ("1", "2")
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    uncached = subprocess.run(
        [*command, "--no-cache"], cwd=project, env=env, capture_output=True, text=True, check=False
    ).stdout
    warm = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False).stdout
    assert len(json.loads(uncached)["results"]) == 40
    assert outputs == [uncached, uncached]
    assert warm == uncached
