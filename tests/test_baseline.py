"""The debt ledger: accepted findings stay accepted through unrelated edits; new debt, and only
new debt, fails the run; debt that disappears is reported as paid off in every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, assert_snapshot, run_cli

LEDGER = ".mldebtlint-baseline.json"


@pytest.fixture
def repo(project: Path) -> Path:
    """A copy of the sample ML repository with its ledger written."""
    shutil.copytree(FIXTURES / "sample-ml-repo", project, dirs_exist_ok=True)
    result = run_cli("baseline", ".", "-o", LEDGER, cwd=project)
    assert result.exit_code == 0, result.output
    return project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _new_findings(repo: Path) -> tuple[int, list[tuple[str, str, int]], dict]:
    # --fail-on info: every new finding fails the build, whatever its rule's severity
    result = run_cli("check", ".", "--baseline", LEDGER, "--format", "json", "--fail-on", "info", cwd=repo)
    document = json.loads(result.output)
    found = [(r["code"], r["filename"], r["location"]["row"]) for r in document["results"]]
    return result.exit_code, found, document["summary"]["baseline"]


def test_the_ledger_counts_findings_by_code_path_and_source_never_lines(repo: Path) -> None:
    ledger = json.loads((repo / LEDGER).read_text())
    assert ledger["version"] == 1
    entries = [(e["code"], e["path"], e["count"]) for e in ledger["entries"]]
    assert entries == [
        ("MLD403", "churn/data_prep.py", 1),
        ("MLD503", "churn/evaluate.py", 1),
        ("MLD403", "churn/features.py", 1),
        ("MLD601", "churn/predict.py", 1),
        ("MLD601", "churn/predict.py", 1),
        ("MLD201", "churn/train.py", 1),
    ]
    assert all(set(e) == {"code", "path", "key", "count", "message"} for e in ledger["entries"])
    assert "line" not in (repo / LEDGER).read_text()


def test_unchanged_repo_passes_with_everything_accepted(repo: Path) -> None:
    assert _new_findings(repo) == (0, [], {"file": LEDGER, "accepted": 6, "paid_off": 0, "paid_off_entries": []})


def test_shifted_reformatted_and_renamed_code_gives_no_new_findings(repo: Path) -> None:
    for path in sorted(repo.rglob("*.py")):
        path.write_text("\n" * 5 + path.read_text())
    predict = repo / "churn" / "predict.py"
    _edit(
        predict,
        'cfg = load_config()\n    model = joblib.load("models/churn.joblib")',
        "cfg=load_config( )\n    model = joblib.load( 'models/churn.joblib' )",
    )
    _edit(predict, "def label_customers(", "def label_all_customers(")
    _edit(repo / "churn" / "data_prep.py", 'dropna(subset=["tenure"])', "dropna(\n        subset=['tenure'],\n    )")
    exit_code, found, baseline = _new_findings(repo)
    assert (exit_code, found, baseline["accepted"], baseline["paid_off"]) == (0, [], 6, 0)


def test_changed_flagged_code_is_one_new_finding_and_the_old_entry_is_paid_off(repo: Path) -> None:
    _edit(repo / "churn" / "predict.py", "churn_risk > 0.62", "churn_risk > 0.65")
    exit_code, found, baseline = _new_findings(repo)
    assert (exit_code, found) == (1, [("MLD601", "churn/predict.py", 15)])
    assert (baseline["accepted"], baseline["paid_off"]) == (5, 1)
    [entry] = baseline["paid_off_entries"]
    assert (entry["code"], entry["filename"], entry["count"]) == ("MLD601", "churn/predict.py", 1)
    assert "0.62" in entry["message"]


def test_a_second_occurrence_of_accepted_code_is_one_new_finding(repo: Path) -> None:
    predict = repo / "churn" / "predict.py"
    copy = "\n\ndef urgent_again(model, batch):\n    urgency = torch.softmax(model(**batch).logits, dim=-1)[:, 2]\n"
    predict.write_text(predict.read_text() + copy + "    return urgency >= 0.8\n")
    exit_code, found, baseline = _new_findings(repo)
    assert (exit_code, found) == (1, [("MLD601", "churn/predict.py", 38)])
    assert (baseline["accepted"], baseline["paid_off"]) == (6, 0)


def test_a_new_smell_is_exactly_that_finding(repo: Path) -> None:
    (repo / "churn" / "corpus.py").write_text("from datasets import load_dataset\n\nreviews = load_dataset('imdb')\n")
    exit_code, found, _ = _new_findings(repo)
    assert (exit_code, found) == (1, [("MLD201", "churn/corpus.py", 3)])


def test_paid_off_debt_is_reported_in_every_format(repo: Path) -> None:
    legacy = '    if False:  # legacy ratios from the 2023 model, kept "just in case"\n'
    legacy += '        features["legacy_ratio"] = features["monthly_charges"] / 70.0\n'
    _edit(repo / "churn" / "features.py", legacy, "")
    (repo / "churn" / "train.py").unlink()
    (repo / "churn" / "corpus.py").write_text("from datasets import load_dataset\n\nreviews = load_dataset('imdb')\n")
    args = ("check", ".", "--baseline", LEDGER)
    text = run_cli(*args, cwd=repo)
    assert text.exit_code == 1
    assert_snapshot("baseline-paid-off.txt", text.output)
    sarif = json.loads(run_cli(*args, "--format", "sarif", cwd=repo).output)
    properties = sarif["runs"][0]["properties"]["baseline"]
    assert (properties["accepted"], properties["paidOff"]) == (4, 2)
    assert [(e["ruleId"], e["uri"], e["count"]) for e in properties["paidOffEntries"]] == [
        ("MLD403", "churn/features.py", 1),
        ("MLD201", "churn/train.py", 1),
    ]
    assert {r["baselineState"] for r in sarif["runs"][0]["results"]} == {"new"}
    markdown = run_cli(*args, "--format", "markdown", cwd=repo).output
    assert "**Baseline** `.mldebtlint-baseline.json`: 4 accepted findings not shown; 2 paid off." in markdown
    assert "| MLD201 | `churn/train.py` | 1 |" in markdown
    github = run_cli(*args, "--format", "github", cwd=repo).output.splitlines()
    assert github[-1].startswith("::notice title=mldebtlint baseline::2 findings of the baseline no longer found")
    _, _, baseline = _new_findings(repo)
    assert baseline["paid_off"] == 2


def test_entries_of_files_outside_the_run_are_not_paid_off(repo: Path) -> None:
    result = run_cli("check", "churn/predict.py", "--baseline", LEDGER, "--format", "json", cwd=repo)
    exit_code, baseline = result.exit_code, json.loads(result.output)["summary"]["baseline"]
    assert exit_code == 0
    assert (baseline["accepted"], baseline["paid_off"]) == (2, 0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "baseline is not valid JSON"),
        ("[]", "not a mldebtlint baseline"),
        ('{"version": 7, "entries": []}', "unsupported baseline version 7"),
        ('{"version": 1, "entries": [{"code": "MLD201"}]}', "entries[0]: `path` must be a non-empty string"),
        (
            '{"version": 1, "entries": [{"code": "A", "path": "b", "key": "c", "count": 0}]}',
            "entries[0]: `count` must be a positive integer",
        ),
    ],
)
def test_malformed_baseline_is_an_exit_2_error_naming_the_file(project: Path, content: str, reason: str) -> None:
    (project / "ok.py").write_text("x = 1\n")
    (project / "ledger.json").write_text(content)
    result = run_cli("check", ".", "--baseline", "ledger.json", cwd=project)
    assert result.exit_code == 2
    assert f"mldebtlint: error: ledger.json: {reason}" in result.output


def test_missing_baseline_is_an_exit_2_error_naming_the_file(project: Path) -> None:
    result = run_cli("check", ".", "--baseline", "nope.json", cwd=project)
    assert result.exit_code == 2
    assert "nope.json: cannot read baseline" in result.output
