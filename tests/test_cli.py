"""The command line as users meet it: outputs pinned by snapshots, exit statuses, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, assert_snapshot, run_cli


def test_sample_repo_text_output_snapshot() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo")
    assert result.exit_code == 1
    assert_snapshot("sample-ml-repo.txt", result.output)


def test_sample_repo_json_output_snapshot() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo", "--format", "json")
    assert result.exit_code == 1
    assert_snapshot("sample-ml-repo.json", result.output)


def test_sample_repo_reports_the_three_first_rules_at_exact_places() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo", "--format", "json")
    found = [
        (r["code"], r["filename"], r["location"]["row"], r["location"]["column"])
        for r in json.loads(result.output)["results"]
    ]
    base = "fixtures/sample-ml-repo/churn/"
    assert found == [
        ("MLD403", base + "data_prep.py", 22, 5),
        ("MLD503", base + "evaluate.py", 15, 25),
        ("MLD403", base + "features.py", 11, 5),
        ("MLD601", base + "predict.py", 15, 21),
        ("MLD601", base + "predict.py", 33, 12),
        ("MLD201", base + "train.py", 30, 13),
    ]


def test_statistics_snapshot() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo", "--statistics")
    assert result.exit_code == 1
    assert_snapshot("sample-ml-repo-statistics.txt", result.output)


def test_bad_inputs_each_give_one_diagnostic_and_the_scan_goes_on() -> None:
    result = run_cli("check", "fixtures/bad-inputs", "--format", "json")
    assert result.exit_code == 1
    found = [
        (r["code"], Path(r["filename"]).name, r["location"]["row"], r["location"]["column"], r["message"])
        for r in json.loads(result.output)["results"]
    ]
    assert found == [
        ("MLD003", "binary.py", 3, 1, "file contains NUL bytes: binary data, not Python source"),
        (
            "MLD003",
            "latin1_without_cookie.py",
            1,
            9,
            "not valid utf-8 (byte 0xfc) and no coding cookie declares another encoding",
        ),
        (
            "MLD201",
            "smelly.py",
            3,
            11,
            '`load_dataset` loads a dataset `"imdb"` without `revision=`: it can change under you',
        ),
        ("MLD001", "unparsable.py", 1, 10, "syntax error: '(' was never closed"),
    ]
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_diagnostic(project: Path) -> None:
    target = project / "secret.py"
    target.write_text("x = 1\n")
    target.chmod(0)
    result = run_cli("check", ".", "--format", "json", cwd=project)
    assert [r["code"] for r in json.loads(result.output)["results"]] == ["MLD002"]


def test_dangling_symlink_is_an_unreadable_file(project: Path) -> None:
    (project / "gone.py").symlink_to(project / "missing.py")
    (project / "ok.py").write_text("x = 1\n")
    result = run_cli("check", ".", "--format", "json", cwd=project)
    results = json.loads(result.output)["results"]
    assert [(r["code"], r["filename"], r["message"]) for r in results] == [
        ("MLD002", "gone.py", "cannot read file: No such file or directory")
    ]
    assert result.exit_code == 1


def test_clean_tree_exits_zero(project: Path) -> None:
    (project / "ok.py").write_text("import pandas as pd\n")
    result = run_cli("check", ".", cwd=project)
    assert result.exit_code == 0
    assert result.output == "No findings in 1 file.\n"


def test_exit_zero_and_fail_on(project: Path) -> None:
    (project / "t.py").write_text("from datasets import load_dataset\nd = load_dataset('imdb')\n")
    assert run_cli("check", ".", cwd=project).exit_code == 1
    assert run_cli("check", ".", "--exit-zero", cwd=project).exit_code == 0
    assert run_cli("check", ".", "--fail-on", "error", cwd=project).exit_code == 0


def test_unknown_select_code_exits_2_naming_it(project: Path) -> None:
    result = run_cli("check", ".", "--select", "MLD999", cwd=project)
    assert result.exit_code == 2
    assert "unknown rule selector 'MLD999'" in result.output


def test_unknown_config_key_exits_2_naming_file_and_key(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint]\nselekt = ['MLD2']\n")
    result = run_cli("check", ".", cwd=project)
    assert result.exit_code == 2
    assert "pyproject.toml: unknown key `selekt` in [tool.mldebtlint]" in result.output


def test_select_by_prefix_and_section_name(project: Path) -> None:
    (project / "t.py").write_text("from datasets import load_dataset\nd = load_dataset('imdb')\nif False:\n    pass\n")
    for selector in ("MLD2", "data-dependencies", "unpinned-hub-artifact"):
        result = run_cli("check", ".", "--select", selector, "--format", "json", cwd=project)
        assert [r["code"] for r in json.loads(result.output)["results"]] == ["MLD201"], selector


def test_output_file_is_written(project: Path) -> None:
    (project / "ok.py").write_text("x = 1\n")
    result = run_cli("check", ".", "--format", "json", "--output-file", "out.json", cwd=project)
    assert result.exit_code == 0
    assert json.loads((project / "out.json").read_text())["summary"]["files_checked"] == 1


def test_missing_path_exits_2() -> None:
    result = run_cli("check", "no/such/dir")
    assert result.exit_code == 2
    assert "no/such/dir: no such file or directory" in result.output


def test_rules_json_lists_rules_with_sections() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.exit_code == 0
    rules = {r["code"]: r for r in json.loads(result.output)}
    assert rules["MLD201"]["section"] == "data-dependencies"
    assert rules["MLD403"]["paper_section"] == "§5"
    assert rules["MLD601"]["section_title"] == "Dealing with changes in the external world"


def test_rules_text_snapshot() -> None:
    assert_snapshot("rules.txt", run_cli("rules").output)


def test_explain_snapshot() -> None:
    result = run_cli("explain", "MLD601")
    assert result.exit_code == 0
    assert_snapshot("explain-MLD601.txt", result.output)


def test_explain_unknown_code_exits_2() -> None:
    result = run_cli("explain", "MLD999")
    assert result.exit_code == 2
    assert "unknown rule code 'MLD999'" in result.output


def test_fixtures_exist() -> None:
    assert (FIXTURES / "sample-ml-repo" / "churn" / "train.py").is_file()


def test_fifo_named_py_is_reported_not_read(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    result = run_cli("check", ".", "--format", "json", cwd=project)
    results = json.loads(result.output)["results"]
    assert [(r["code"], r["message"]) for r in results] == [("MLD002", "cannot read file: not a regular file")]


def test_paths_are_relative_to_the_common_directory_outside_git(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "t.py").write_text("from datasets import load_dataset\nd = load_dataset('imdb')\n")
    result = run_cli("check", "a", "b", "--format", "json", cwd=tmp_path)
    assert [r["filename"] for r in json.loads(result.output)["results"]] == ["a/t.py", "b/t.py"]
