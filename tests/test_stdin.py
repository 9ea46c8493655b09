"""`mldebtlint check - --stdin-filename PATH`: code from stdin, checked as the file it names."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

SMELLY = "from datasets import load_dataset\nreviews = load_dataset('imdb')\n"


def _results(result) -> list[tuple[str, str, int, int]]:
    return [
        (r["code"], r["filename"], r["location"]["row"], r["location"]["column"])
        for r in json.loads(result.output)["results"]
    ]


def test_stdin_is_reported_under_its_filename(project: Path) -> None:
    args = ("check", "-", "--stdin-filename", "src/corpus.py", "--format", "json")
    result = run_cli(*args, cwd=project, stdin=SMELLY)
    assert result.exit_code == 1
    assert _results(result) == [("MLD201", "src/corpus.py", 2, 11)]


def test_per_file_ignores_and_config_apply_to_the_stdin_filename(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nper-file-ignores = { "scratch/**" = ["MLD2"] }\n')
    ignored = run_cli("check", "-", "--stdin-filename", "scratch/try.py", "--format", "json", cwd=project, stdin=SMELLY)
    assert (ignored.exit_code, _results(ignored)) == (0, [])
    checked = run_cli("check", "-", "--stdin-filename", "src/try.py", "--format", "json", cwd=project, stdin=SMELLY)
    assert _results(checked) == [("MLD201", "src/try.py", 2, 11)]


def test_force_exclude_skips_an_excluded_stdin_filename(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nextend-exclude = ["vendor/"]\n')
    args = ("check", "-", "--stdin-filename", "vendor/lib.py", "--force-exclude")
    result = run_cli(*args, cwd=project, stdin=SMELLY)
    assert (result.exit_code, result.output) == (0, "No findings in 0 files.\n")


def test_undecodable_stdin_is_a_diagnostic_not_a_crash(project: Path) -> None:
    result = run_cli("check", "-", "--stdin-filename", "x.py", "--format", "json", cwd=project, stdin="a = 1\x00\n")
    assert [r["code"] for r in json.loads(result.output)["results"]] == ["MLD003"]


def test_stdin_filename_without_dash_is_a_usage_error(project: Path) -> None:
    result = run_cli("check", ".", "--stdin-filename", "x.py", cwd=project)
    assert result.exit_code == 2
    assert "pass `-` as the path" in result.output


def test_a_notebook_on_stdin_is_read_as_a_notebook(project: Path) -> None:
    from tests.conftest import FIXTURES

    notebook = (FIXTURES / "notebooks" / "churn_scoring.ipynb").read_text(encoding="utf-8")
    args = ("check", "-", "--stdin-filename", "nb/x.ipynb", "--format", "json", "--ignore", "MLD203")
    result = run_cli(*args, cwd=project, stdin=notebook)
    [finding] = json.loads(result.output)["results"]
    assert (finding["code"], finding["filename"], finding["cell"], finding["location"]) == (
        "MLD601",
        "nb/x.ipynb",
        5,
        {"row": 2, "column": 16},
    )


def test_project_findings_on_stdin_hash_the_stdin_text_not_the_file_on_disk(project: Path) -> None:
    from mldebtlint.line_hash import line_hashes

    code = "import argparse\n\nparser = argparse.ArgumentParser()\n"
    code += "parser.add_argument('--depth')\nargs = parser.parse_args()\n"
    (project / "train.py").write_text("# an older version on disk\n" * 10, encoding="utf-8")
    result = run_cli("check", "-", "--stdin-filename", "train.py", "--format", "sarif", cwd=project, stdin=code)
    [finding] = json.loads(result.output)["runs"][0]["results"]
    assert finding["ruleId"] == "MLD503"
    expected = line_hashes(code, [4])[4]
    assert finding["partialFingerprints"]["primaryLocationLineHash"] == expected
