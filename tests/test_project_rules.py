"""Project-pass rules over dependency declarations and hyper-parameters: fixtures/project-rules."""

from __future__ import annotations

import json
from pathlib import Path

from mldebtlint.requirements import conda_pinned, load_dependencies, pip_pinned
from tests.conftest import FIXTURES, run_cli

PROJECT_RULES = FIXTURES / "project-rules"


def _findings(repo: str, code: str) -> list[tuple[str, str, int, int]]:
    root = PROJECT_RULES / repo
    result = run_cli("check", str(root), "--format", "json", "--exit-zero", "--no-cache", cwd=root)
    return [
        (r["code"], r["filename"], r["location"]["row"], r["location"]["column"])
        for r in json.loads(result.output)["results"]
        if r["code"] == code
    ]


def test_unpinned_ml_dependencies_are_reported_in_every_declaration_file() -> None:
    assert _findings("unpinned", "MLD704") == [
        ("MLD704", "environment.yml", 4, 5),
        ("MLD704", "environment.yml", 7, 7),
        ("MLD704", "pyproject.toml", 6, 4),
        ("MLD704", "pyproject.toml", 11, 9),
        ("MLD704", "requirements.txt", 3, 1),
        ("MLD704", "requirements/dev.txt", 2, 1),
        ("MLD704", "setup.cfg", 3, 5),
    ]


def test_a_librarys_package_metadata_is_not_judged_but_its_dev_requirements_are() -> None:
    assert _findings("library", "MLD704") == [("MLD704", "requirements-dev.txt", 2, 1)]


def test_package_metadata_is_judged_on_request() -> None:
    declared = load_dependencies(PROJECT_RULES / "library", package_metadata=True)
    assert sorted((r.file, r.name) for r in declared.requirements if not r.pinned) == [
        ("pyproject.toml", "pandas"),
        ("requirements-dev.txt", "pytest"),
        ("requirements-dev.txt", "scikit-learn"),
        ("requirements.txt", "numpy"),
        ("requirements.txt", "torch"),
    ]
    declared = load_dependencies(PROJECT_RULES / "library", package_metadata=False)
    assert [r.file for r in declared.requirements] == ["requirements-dev.txt", "requirements-dev.txt"]


def test_a_lock_file_pins_everything() -> None:
    assert _findings("locked", "MLD704") == []


def test_a_hashed_requirements_file_is_a_lock(tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("torch\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("torch==2.4.0 \\\n    --hash=sha256:00\n", encoding="utf-8")
    assert load_dependencies(tmp_path).lock == "requirements.txt"


def test_pins_ranges_and_urls() -> None:
    assert [pip_pinned(s) for s in ("torch==2.4", "torch~=2.4", "torch<3", "x @ git+https://h/x", "torch>=2")] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert [conda_pinned(s) for s in ("numpy=1.26", "numpy 1.26.*", "numpy<2", "numpy>=1.2", "c::numpy")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_project_findings_on_declaration_files_render_in_sarif() -> None:
    root = PROJECT_RULES / "unpinned"
    result = run_cli(
        "check", str(root), "--format", "sarif", "--exit-zero", "--no-cache", "--select", "MLD704", cwd=root
    )
    results = json.loads(result.output)["runs"][0]["results"]
    locations = [r["locations"][0]["physicalLocation"] for r in results]
    assert (locations[0]["artifactLocation"]["uri"], locations[0]["region"]["startLine"]) == (
        "fixtures/project-rules/unpinned/environment.yml",
        4,
    )
    assert len(results) == 7


def test_broken_declaration_files_are_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    (tmp_path / "setup.cfg").write_text("install_requires = torch\n", encoding="utf-8")
    (tmp_path / "environment.yml").write_text("dependencies: [\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_bytes(b"\xff\xfetorch\n")
    assert [r.name for r in load_dependencies(tmp_path).requirements] == []


def test_conflicting_hyperparameters_name_the_other_file_and_value() -> None:
    assert _findings("conflicts", "MLD502") == [
        ("MLD502", "src/finetune.py", 6, 50),
        ("MLD502", "train.py", 8, 33),  # its lr=1e-3 agrees with src/evaluate.py's 0.001
    ]
    root = PROJECT_RULES / "conflicts"
    result = run_cli(
        "check", str(root), "--format", "json", "--exit-zero", "--no-cache", "--select", "MLD502", cwd=root
    )
    messages = [r["message"] for r in json.loads(result.output)["results"]]
    assert messages[0].startswith("hyper-parameter `lr=3e-4` conflicts with `lr=0.001` in src/evaluate.py:6")


def test_equal_values_other_sinks_one_file_and_other_pipelines_are_near_misses(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text(
        "import torch\nfrom torch.utils.data import DataLoader\n\n"
        "DataLoader([], batch_size=64)\nDataLoader([], batch_size=32)\ntorch.optim.SGD([], lr=0.1)\n"
        'open("data.csv")\n',
        encoding="utf-8",
    )
    (tmp_path / "b.py").write_text(
        "import torch\nfrom torch.utils.data import DataLoader\n\nDataLoader([], batch_size=64.0)\n"
        "torch.optim.Adam([], lr=0.5)\nDataLoader([], batch_size=BATCH)\nopen('data.csv')\n",
        encoding="utf-8",
    )
    (tmp_path / "c.py").write_text("import torch\n\ntorch.optim.SGD([], lr=0.9)\n", encoding="utf-8")
    result = run_cli("check", str(tmp_path), "--format", "json", "--exit-zero", "--no-cache", cwd=tmp_path)
    codes = [(r["code"], r["filename"], r["location"]["row"]) for r in json.loads(result.output)["results"]]
    # b.py's 64.0 agrees with a.py's 64; Adam is not SGD; c.py shares no data file with a.py
    assert [c for c in codes if c[0] == "MLD502"] == []


def test_cold_and_warm_runs_give_the_same_conflicts(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "conflicts"
    shutil.copytree(PROJECT_RULES / "conflicts", root)
    runs = [
        run_cli("check", str(root), "--format", "json", "--exit-zero", "--select", "MLD502", cwd=root).output
        for _ in range(2)
    ]
    assert [r["location"]["row"] for r in json.loads(runs[1])["results"]] == [6, 8]
    assert runs[0] == runs[1]


def test_a_conflict_is_suppressed_at_its_line(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "conflicts"
    shutil.copytree(PROJECT_RULES / "conflicts", root)
    finetune = root / "src" / "finetune.py"
    finetune.write_text(
        finetune.read_text(encoding="utf-8").replace("lr=3e-4)", "lr=3e-4)  # noqa: MLD502"), encoding="utf-8"
    )
    result = run_cli(
        "check", str(root), "--format", "json", "--exit-zero", "--no-cache", "--select", "MLD502", cwd=root
    )
    found = [(r["filename"], r["location"]["row"]) for r in json.loads(result.output)["results"]]
    assert found == [("train.py", 8)]
