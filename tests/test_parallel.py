"""The process pool: same report whatever the number of workers, and a dead worker costs one
diagnostic, not the scan."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from mldebtlint import parallel
from mldebtlint.api import check_paths
from mldebtlint.config import load_settings
from mldebtlint.ftypes import Report


def _tree(root: Path, count: int = 12) -> None:
    for i in range(count):
        (root / f"step_{i:02d}.py").write_text(f"def step_{i}():\n    return {i}\n    print('gone')\n")
    (root / "clean.py").write_text("x = 1\n")


def _found(report: Report) -> list[tuple[str, str, int, int, str]]:
    return [(f.code, f.path, f.start.line, f.start.column, f.message) for f in report.findings]


@pytest.fixture
def pool_for_small_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures are small: let them use the pool anyway."""
    monkeypatch.setattr(parallel, "MIN_POOL_FILES", 2)
    monkeypatch.setattr(parallel, "MIN_POOL_BYTES", 0)


@pytest.mark.usefixtures("pool_for_small_inputs")
def test_two_workers_give_the_report_of_one(project: Path) -> None:
    _tree(project)
    settings = load_settings(project)
    serial = check_paths([project], settings, jobs=1)
    pooled = check_paths([project], settings, jobs=2)
    assert _found(pooled) == _found(serial)
    assert len(serial.findings) == 12
    assert (pooled.files_checked, pooled.lines_checked) == (serial.files_checked, serial.lines_checked) == (13, 37)


@pytest.mark.usefixtures("pool_for_small_inputs")
def test_a_worker_that_dies_becomes_one_diagnostic(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(project)
    (project / "crash_me.py").write_text("if False:\n    x = 1\n")
    settings = load_settings(project)
    expected = _found(check_paths([project], settings, jobs=1))  # the hook acts in workers only
    monkeypatch.setenv(parallel.CRASH_TEST_ENV, "crash_me.py")
    found = _found(check_paths([project], settings, jobs=2))
    crash = (
        "MLD009",
        "crash_me.py",
        1,
        1,
        "internal error: the process checking this file crashed (libcst's parser on extreme input?)",
    )
    assert found == [crash] + [f for f in expected if f[1] != "crash_me.py"]


# libcst 1.9.0's native parser overflows its stack on a long chain of lambdas (CPython itself
# gives up with a MemoryError). sources.too_deep_to_parse now refuses it before libcst sees it
# (MLD001); a crash that gets past the guards is still isolated (the MLDEBTLINT_TEST_CRASH_ON test)
LAMBDAS = "f = " + "lambda: " * 8000 + "1\n"
needs_default_stack = pytest.mark.skipif(
    resource.getrlimit(resource.RLIMIT_STACK)[0] != 8 * 1024 * 1024,
    reason="the real crash depends on the usual 8 MiB stack",
)


@needs_default_stack
@pytest.mark.usefixtures("pool_for_small_inputs")
def test_input_that_crashes_libcst_is_refused_before_parsing_in_the_pool(project: Path) -> None:
    _tree(project, count=8)
    (project / "lambdas.py").write_text(LAMBDAS)
    report = check_paths([project], load_settings(project), jobs=2)
    assert [f.code for f in report.findings if f.path == "lambdas.py"] == ["MLD001"]
    assert len(report.findings) == 9


@needs_default_stack
def test_a_serial_run_checks_a_file_with_a_huge_logical_line_in_a_process_of_its_own(project: Path) -> None:
    _tree(project, count=2)
    (project / "lambdas.py").write_text(LAMBDAS)
    report = check_paths([project], load_settings(project), jobs=1)
    assert [(f.code, f.path) for f in report.findings] == [
        ("MLD001", "lambdas.py"),
        ("MLD403", "step_00.py"),
        ("MLD403", "step_01.py"),
    ]
