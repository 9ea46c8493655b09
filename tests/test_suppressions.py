"""`# noqa`, own-line `# mldebtlint: ignore[...]`, `ignore-file`, and reports of unused ones."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.api import check_text
from mldebtlint.config import load_settings
from mldebtlint.ftypes import Report

SMELL = "from datasets import load_dataset\n"


def _check(project: Path, code: str) -> Report:
    return check_text(code, "train.py", load_settings(project))


def _found(report: Report) -> list[tuple[str, int, int]]:
    return [(f.code, f.start.line, f.start.column) for f in report.findings]


def test_noqa_with_code_suppresses_and_keeps_the_reason(project: Path) -> None:
    report = _check(project, SMELL + 'd = load_dataset("imdb")  # noqa: MLD201 -- mirrored nightly\n')
    assert _found(report) == []
    [(finding, suppression)] = report.suppressed
    assert (finding.code, suppression.kind, suppression.reason) == ("MLD201", "noqa", "mirrored nightly")


def test_noqa_prefix_and_blanket_noqa(project: Path) -> None:
    assert _found(_check(project, SMELL + 'd = load_dataset("imdb")  # noqa: MLD2\n')) == []
    assert _found(_check(project, SMELL + 'd = load_dataset("imdb")  # noqa\n')) == []


def test_noqa_for_another_code_does_not_suppress(project: Path) -> None:
    report = _check(project, SMELL + 'd = load_dataset("imdb")  # noqa: MLD601\n')
    assert _found(report) == [("MLD201", 2, 5), ("MLD005", 2, 27)]
    assert report.findings[1].message == "unused suppression: no MLD601 finding on this line"


def test_own_line_ignore_covers_the_whole_next_statement(project: Path) -> None:
    code = SMELL + "# mldebtlint: ignore[MLD201] pinned by the mirror\nd = load_dataset(\n    'imdb',\n)\n"
    report = _check(project, code)
    assert _found(report) == []
    assert report.suppressed[0][1].reason == "pinned by the mirror"


def test_own_line_ignore_does_not_reach_further(project: Path) -> None:
    code = SMELL + "# mldebtlint: ignore[MLD201]\nx = 1\nd = load_dataset('imdb')\n"
    assert _found(_check(project, code)) == [("MLD005", 2, 1), ("MLD201", 4, 5)]


def test_file_level_ignore(project: Path) -> None:
    code = "# mldebtlint: ignore-file[MLD2]\n" + SMELL + "d = load_dataset('imdb')\nif False:\n    pass\n"
    assert _found(_check(project, code)) == [("MLD403", 4, 1)]


def test_unknown_code_in_noqa_is_reported(project: Path) -> None:
    report = _check(project, "x = 1  # noqa: MLD999\n")
    assert _found(report) == [("MLD006", 1, 8)]
    assert report.findings[0].message == "suppression names an unknown rule code MLD999"


def test_other_tools_codes_and_strings_are_left_alone(project: Path) -> None:
    code = 'x = "# noqa: MLD201"  # noqa: E501\n'
    assert _found(_check(project, code)) == []


def test_suppression_of_a_disabled_rule_is_not_unused(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint]\nignore = ['MLD601']\n")
    assert _found(_check(project, "x = 1  # noqa: MLD601\n")) == []
