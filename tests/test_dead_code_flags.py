"""MLD403's opt-in constant-flag check (`module-flags = true`)."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.api import check_text
from mldebtlint.config import load_settings

CODE = """\
USE_LEGACY_FEATURES = False
DROP_OUTLIERS = True
TUNED = False

def configure():
    global TUNED
    TUNED = True

def build(df):
    if USE_LEGACY_FEATURES:
        df = legacy(df)
    if not DROP_OUTLIERS:
        df = df.copy()
    if DROP_OUTLIERS:
        df = trim(df)
    else:
        df = df.copy()
    if TUNED:
        df = tune(df)
    return df
"""


def _found(project: Path) -> list[tuple[str, int, int, str]]:
    report = check_text(CODE, "features.py", load_settings(project))
    return [(f.code, f.start.line, f.start.column, f.message) for f in report.findings]


def test_constant_flags_are_off_by_default(project: Path) -> None:
    assert _found(project) == []


def test_constant_flags_reported_when_enabled(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint.rules.MLD403]\nmodule-flags = true\n")
    assert _found(project) == [
        (
            "MLD403",
            10,
            5,
            "this branch never runs: `USE_LEGACY_FEATURES` is set to False once at module level and never changed "
            "(dead experimental codepath)",
        ),
        (
            "MLD403",
            12,
            5,
            "this branch never runs: `DROP_OUTLIERS` is set to True once at module level and never changed "
            "(dead experimental codepath)",
        ),
        (
            "MLD403",
            16,
            5,
            "this `else` never runs: `DROP_OUTLIERS` is set to True once at module level and never changed",
        ),
    ]
