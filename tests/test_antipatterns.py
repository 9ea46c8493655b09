"""The §5 anti-pattern rules (MLD401-MLD408) on their fixtures: exact findings, silent near misses."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.api import check_paths, check_text
from mldebtlint.config import Overrides, load_settings
from mldebtlint.ftypes import Report
from tests.conftest import FIXTURES, REPO

ANTIPATTERNS = FIXTURES / "antipatterns"


def _report(name: str, code: str) -> Report:
    return check_paths([ANTIPATTERNS / name], load_settings(REPO, Overrides(select=(code,))))


def _findings(name: str, code: str) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.path, f.start.line, f.start.column) for f in _report(name, code).findings]


def _path(name: str) -> str:
    return (ANTIPATTERNS / name).relative_to(REPO).as_posix()


def test_self_admitted_debt_reports_marker_comments_only() -> None:
    path = _path("self_admitted_debt.py")
    assert _findings("self_admitted_debt.py", "MLD408") == [
        ("MLD408", path, 5, 1),
        ("MLD408", path, 10, 31),
    ]


def test_self_admitted_debt_message_quotes_the_comment() -> None:
    report = _report("self_admitted_debt.py", "MLD408")
    assert report.findings[0].message == (
        "self-admitted debt: `TODO: the 2019 rows use another currency`: track it in the issue tracker, or pay it now"
    )
    assert report.findings[0].end.column == 43


def test_commented_out_code_reports_one_finding_per_run() -> None:
    path = _path("commented_out_code.py")
    assert _findings("commented_out_code.py", "MLD404") == [
        ("MLD404", path, 24, 9),
        ("MLD404", path, 27, 5),
    ]


def test_commented_out_code_counts_the_lines_of_the_run() -> None:
    report = _report("commented_out_code.py", "MLD404")
    assert [f.message for f in report.findings][1] == (
        "commented-out code (2 lines): delete it, version control keeps the old code"
    )
    assert [s[1].reason for s in report.suppressed] == ["kept for the comparison plot"]


def test_multiple_language_reports_bridges_and_foreign_programs() -> None:
    path = _path("multiple_language.py")
    assert _findings("multiple_language.py", "MLD406") == [
        ("MLD406", path, 4, 1),
        ("MLD406", path, 10, 5),
        ("MLD406", path, 11, 5),
    ]


def test_plain_old_data_reports_long_tuples_once_and_untyped_serving() -> None:
    path = _path("plain_old_data.py")
    assert _findings("plain_old_data.py", "MLD405") == [
        ("MLD405", path, 10, 9),
        ("MLD405", path, 19, 9),
    ]


def test_glue_code_reports_converting_functions_and_script_bodies() -> None:
    path = _path("glue_code.py")
    assert _findings("glue_code.py", "MLD401") == [
        ("MLD401", path, 6, 5),
        ("MLD401", path, 19, 1),
    ]


def test_glue_code_message_names_the_conversions() -> None:
    report = _report("glue_code.py", "MLD401")
    assert report.findings[0].message == (
        "glue code: 5 of the 6 statements of `score_batch` convert data between library formats "
        "(`torch.tensor`, `.values`, `.numpy()`, `pandas.DataFrame`, `numpy.asarray`, `.tolist()`, "
        "`.to_numpy()`); convert once, in one adapter at the boundary"
    )


def test_pipeline_jungle_reports_long_runs_of_frame_steps() -> None:
    path = _path("pipeline_jungle.py")
    assert _findings("pipeline_jungle.py", "MLD402") == [("MLD402", path, 6, 5)]


def test_pipeline_jungle_message_says_how_many_steps_and_where() -> None:
    report = _report("pipeline_jungle.py", "MLD402")
    assert report.findings[0].message == (
        "pipeline jungle: 10 data-frame transformations of `events` in a row, from "
        '`events = events.dropna(subset=["user_id"])` to `events = events.reset_index(drop=True)`; '
        "name the stages as functions of one pipeline (and test them)"
    )


def test_prototype_leftover_reports_subsamples_that_reach_fit() -> None:
    path = _path("prototype_leftover.py")
    assert _findings("prototype_leftover.py", "MLD407") == [("MLD407", path, 10, 13)]


def _text_findings(code: str, select: str) -> list[tuple[str, int, int]]:
    settings = load_settings(REPO, Overrides(select=(select,)))
    return [(f.code, f.start.line, f.start.column) for f in check_text(code, "snippet.py", settings).findings]


def test_comment_rules_count_lines_as_python_does() -> None:
    # "\r" alone ends a line; a form feed inside a line does not
    assert _text_findings("x = 1\r# TODO: check\rprint(x)\r", "MLD408") == [("MLD408", 2, 1)]
    assert _text_findings("# a\x0cb\n# model.fit(X, y)\nprint(1)\n", "MLD404") == [("MLD404", 2, 1)]


def test_commented_code_inside_a_string_is_not_a_comment() -> None:
    assert _text_findings('QUERY = """\n# model.fit(X, y)\n"""\n', "MLD404") == []


def test_options_come_from_the_config(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.mldebtlint]\n[tool.mldebtlint.rules.MLD404]\nmin-lines = 2\n"
        "[tool.mldebtlint.rules.MLD405]\nmax-return-values = 3\n",
        encoding="utf-8",
    )
    settings = load_settings(project, Overrides(select=("MLD404", "MLD405")))
    code = "# model.fit(X, y)\n\n# X = X.dropna()\n# model.fit(X, y)\ndef split(X):\n    return X, X, X\n"
    found = [(f.code, f.start.line) for f in check_text(code, "train.py", settings).findings]
    assert found == [("MLD404", 3), ("MLD405", 6)]
