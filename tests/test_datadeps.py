"""The data-dependency facts, the project pass and its rules on the fixtures/datadeps repos."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from mldebtlint.api import check_text
from mldebtlint.config import ConfigError, Overrides, load_settings
from mldebtlint.discovery import Candidate
from mldebtlint.engine import Engine
from tests.conftest import FIXTURES, assert_snapshot, run_cli

DATADEPS = FIXTURES / "datadeps"
DATA_RULES = ("MLD103", "MLD202", "MLD203", "MLD204", "MLD301", "MLD402")


def _findings(repo: str) -> list[tuple[str, str, int, int]]:
    result = run_cli("check", str(DATADEPS / repo), "--format", "json", "--exit-zero", cwd=DATADEPS / repo)
    document = json.loads(result.output)
    return [
        (r["code"], r["filename"], r["location"]["row"], r["location"]["column"])
        for r in document["results"]
        if r["code"] in DATA_RULES
    ]


def _messages(repo: str, code: str) -> list[str]:
    result = run_cli("check", str(DATADEPS / repo), "--format", "json", "--exit-zero", cwd=DATADEPS / repo)
    return [r["message"] for r in json.loads(result.output)["results"] if r["code"] == code]


def test_dvc_repo_reports_only_the_undeclared_read() -> None:
    assert _findings("dvc-repo") == [("MLD203", "src/prepare.py", 15, 16)]
    assert "data/external/holidays.csv" in _messages("dvc-repo", "MLD203")[0]


def test_feedback_loop_names_the_writing_and_the_reading_site() -> None:
    assert _findings("feedback-loop") == [("MLD103", "score.py", 14, 5), ("MLD301", "train.py", 9, 14)]
    (message,) = _messages("feedback-loop", "MLD301")
    assert "score.py:13" in message and "data/labels.csv" in message


def test_jungle_reports_each_intermediate_file_once_and_the_empty_manifest_once() -> None:
    assert _findings("jungle") == [
        ("MLD203", "step1_clean.py", 9, 7),
        ("MLD402", "step1_clean.py", 11, 1),
        ("MLD402", "step2_merge.py", 11, 1),
        ("MLD402", "step3_features.py", 7, 1),
        ("MLD402", "step3_features.py", 8, 1),
    ]
    assert "declares no data dependencies" in _messages("jungle", "MLD203")[0]
    assert "read back at step2_merge.py:9" in _messages("jungle", "MLD402")[0]


def test_dynamic_paths_tempfiles_and_model_artifacts_are_near_misses() -> None:
    assert _findings("near-misses") == []


def _accesses(repo: str) -> list[tuple[str, str | None, str, int]]:
    result = run_cli("deps", ".", cwd=DATADEPS / repo)
    document = json.loads(result.output)
    return sorted(
        (kind, node["path"], site["file"], site["line"])
        for node in document["data"]
        for kind in ("reads", "writes")
        for site in node[kind]
    )


def test_deps_json_lists_every_read_and_write_with_resolved_paths() -> None:
    assert _accesses("dvc-repo") == [
        ("reads", "data/external/holidays.csv", "src/prepare.py", 15),
        ("reads", "data/processed/features.parquet", "src/train.py", 13),
        ("reads", "data/raw/customers.csv", "src/prepare.py", 12),
        ("reads", "data/raw/tickets.csv", "src/prepare.py", 13),
        ("reads", "data/reference/regions.csv", "src/prepare.py", 14),
        ("writes", "data/processed/features.parquet", "src/prepare.py", 18),
        ("writes", "metrics.json", "src/train.py", 17),
        ("writes", "models/churn.joblib", "src/train.py", 16),
    ]
    assert _accesses("jungle") == [
        ("reads", "data/export.csv", "step1_clean.py", 9),
        ("reads", "tmp/clean.csv", "step2_merge.py", 9),
        ("reads", "tmp/features.npy", "step4_train.py", 6),
        ("reads", "tmp/merged.pkl", "step3_features.py", 6),
        ("reads", "tmp/target.npy", "step4_train.py", 7),
        ("writes", "tmp/clean.csv", "step1_clean.py", 11),
        ("writes", "tmp/features.npy", "step3_features.py", 7),
        ("writes", "tmp/merged.pkl", "step2_merge.py", 11),
        ("writes", "tmp/target.npy", "step3_features.py", 8),
    ]


def test_deps_json_marks_declared_data_and_dynamic_paths() -> None:
    document = json.loads(run_cli("deps", ".", cwd=DATADEPS / "dvc-repo").output)
    declared = {n["path"]: n["declared_in"] for n in document["data"]}
    assert declared == {
        "data/external/holidays.csv": [],
        "data/processed/features.parquet": ["dvc.yaml"],
        "data/raw/customers.csv": ["dvc.yaml"],
        "data/raw/tickets.csv": ["data/raw/tickets.csv.dvc"],
        "data/reference/regions.csv": ["pyproject.toml"],
        "metrics.json": ["dvc.yaml"],
        "models/churn.joblib": ["dvc.yaml"],
    }
    near = json.loads(run_cli("deps", ".", cwd=DATADEPS / "near-misses").output)
    dynamic = [n["expression"] for n in near["data"] if n["store"] == "dynamic"]
    assert "args.train" in dynamic and 'config["extra_features"]' in dynamic


def test_deps_outputs_snapshots() -> None:
    assert_snapshot("deps-dvc-repo.json", run_cli("deps", ".", cwd=DATADEPS / "dvc-repo").output)
    assert_snapshot("deps-jungle.mmd", run_cli("deps", ".", "--format", "mermaid", cwd=DATADEPS / "jungle").output)
    assert_snapshot(
        "deps-feedback-loop.dot", run_cli("deps", ".", "--format", "dot", cwd=DATADEPS / "feedback-loop").output
    )


_MERMAID_NODE_RE = re.compile(r'^    (?P<id>[fd]\d+)(?:\["[^"]*"\]|\[\("[^"]*"\)\])$')
_MERMAID_EDGE_RE = re.compile(r"^    (?P<a>[fd]\d+) --> (?P<b>[fd]\d+)$")
_MERMAID_CLASS_RE = re.compile(r"^    (classDef undeclared stroke-dasharray: 5 5|class [fd]\d+(,[fd]\d+)* undeclared)$")


@pytest.mark.parametrize("repo", ["dvc-repo", "feedback-loop", "jungle", "near-misses"])
def test_mermaid_output_is_a_valid_flowchart(repo: str) -> None:
    lines = run_cli("deps", ".", "--format", "mermaid", cwd=DATADEPS / repo).output.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    for line in lines[1:]:
        node, edge = _MERMAID_NODE_RE.match(line), _MERMAID_EDGE_RE.match(line)
        if node:
            assert node["id"] not in nodes, f"node defined twice: {line}"
            nodes.add(node["id"])
        elif edge:
            edges.append((edge["a"], edge["b"]))
        else:
            assert _MERMAID_CLASS_RE.match(line), f"not a Mermaid flowchart statement: {line!r}"
    assert edges, "a repository with data reads has edges"
    for a, b in edges:
        assert a in nodes and b in nodes
        assert {a[0], b[0]} == {"f", "d"}, "edges go file -> data -> file"


def test_mermaid_labels_escape_quotes() -> None:
    report_line = run_cli("deps", ".", "--format", "mermaid", cwd=DATADEPS / "near-misses").output
    assert "config[#34;extra_features#34;]" in report_line


# -- facts ------------------------------------------------------------------------------------
def _facts(code: str, relpath: str = "pipeline.py") -> list[tuple[str, str, str | None, str]]:
    settings = load_settings(FIXTURES / "datadeps" / "near-misses")
    engine = Engine(settings, collect_facts=True)
    result = engine.check_text(Candidate(settings.root / relpath, relpath), code)
    return [(a.kind, a.api, a.path, a.format) for a in result.data_accesses]


def test_paths_resolve_through_assignments_fstrings_join_and_pathlib() -> None:
    code = """
import os
from os.path import join
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import torch

DATA = "data"
ROOT = Path(DATA)
name = "train"
a = pd.read_csv(f"{DATA}/{name}.csv")
b = np.load(os.path.join(DATA, "arrays", "x.npy"))
c = pd.read_parquet(ROOT / "features" / "f.parquet")
d = torch.load(str(ROOT.joinpath("models", "best.pt")))
e = h5py.File(join(DATA, "store.h5"), "w")
f = pd.read_csv(DATA + "/more.csv")
g = pd.read_csv(f"{DATA:>10}/x.csv")
"""
    assert _facts(code) == [
        ("read", "pandas.read_csv", "data/train.csv", "csv"),
        ("read", "numpy.load", "data/arrays/x.npy", "npy"),
        ("read", "pandas.read_parquet", "data/features/f.parquet", "parquet"),
        ("read", "torch.load", "data/models/best.pt", "torch"),
        ("write", "h5py.File", "data/store.h5", "hdf5"),
        ("read", "pandas.read_csv", "data/more.csv", "csv"),
        ("read", "pandas.read_csv", None, "csv"),
    ]


def test_open_modes_file_objects_and_serialisers() -> None:
    code = """
import json
import pickle

import joblib
import pandas as pd
import yaml

with open("labels.json", "w") as fh:
    json.dump(labels, fh)
with open("raw.bin", "rb") as fh:
    table = pd.read_csv(fh)
state = pickle.load(open("state", "rb"))
joblib.dump(model, "model.joblib")
with open(path, mode) as fh:
    pass
df.to_csv()
df.to_parquet("out/table.parquet")
df.to_sql("scores", engine)
"""
    assert _facts(code) == [
        ("write", "open", "labels.json", "json"),
        ("read", "open", "raw.bin", "unknown"),
        ("read", "open", "state", "pickle"),
        ("write", "joblib.dump", "model.joblib", "joblib"),
        ("write", "pandas.DataFrame.to_parquet", "out/table.parquet", "parquet"),
        ("write", "pandas.DataFrame.to_sql", "scores", "sql"),
    ]


def test_hub_loaders_datasets_and_downloads_are_facts() -> None:
    code = """
from datasets import load_dataset
from transformers import AutoModel
import urllib.request

hub = load_dataset("imdb")
local = load_dataset("csv", data_files={"train": "data/train.csv", "test": "data/test.csv"})
model = AutoModel.from_pretrained("./checkpoints/best")
urllib.request.urlretrieve("https://example.org/x.csv", "x.csv")
"""
    assert _facts(code) == [
        ("read", "datasets.load_dataset", "imdb", "dataset"),
        ("read", "datasets.load_dataset", "data/train.csv", "csv"),
        ("read", "datasets.load_dataset", "data/test.csv", "csv"),
        ("read", "transformers.AutoModel.from_pretrained", "./checkpoints/best", "pretrained"),
        ("read", "urllib.request.urlretrieve", "https://example.org/x.csv", "download"),
    ]


def test_roles_and_predictions_are_recorded() -> None:
    settings = load_settings(DATADEPS / "feedback-loop")
    engine = Engine(settings, collect_facts=True)
    result = engine.check(Candidate(DATADEPS / "feedback-loop" / "score.py", "score.py"))
    write = next(a for a in result.data_accesses if a.path == "data/labels.csv")
    assert (write.function, write.predicts, write.trains, write.writes_predictions) == ("score", True, False, True)
    assert (write.start.line, write.start.column, write.statement_line) == (13, 5, 13)
    assert pickle.loads(pickle.dumps(result)) == result


def test_a_local_function_named_like_a_reader_is_not_a_fact() -> None:
    code = """
def read_csv(path):
    return path

rows = read_csv("data/x.csv")
"""
    assert _facts(code) == []


# -- suppressions and configuration ----------------------------------------------------------
def test_project_findings_honour_suppressions_and_report_unused_ones(project: Path) -> None:
    settings = load_settings(project, Overrides(select=("ALL",)))
    code = """import pandas as pd

a = pd.read_csv("/home/alice/a.csv")  # noqa: MLD204 -- laptop-only demo
b = pd.read_csv("data/b.csv")  # noqa: MLD204
"""
    report = check_text(code, "demo.py", settings)
    assert [(f.code, f.start.line) for f in report.findings] == [("MLD203", 4), ("MLD005", 4)]
    assert [(f.code, s.reason) for f, s in report.suppressed] == [("MLD204", "laptop-only demo")]


def test_a_used_project_suppression_is_not_reported_by_the_per_file_pass(project: Path) -> None:
    settings = load_settings(project, Overrides(select=("ALL",)))
    code = 'import pandas as pd\n\n# mldebtlint: ignore[MLD2] scratch data\na = pd.read_csv("/Users/bob/a.csv")\n'
    report = check_text(code, "demo.py", settings)
    assert report.findings == []
    assert [f.code for f, _ in report.suppressed] == ["MLD204"]


def test_data_dependencies_must_be_a_list_of_strings(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\ndata-dependencies = "data/**"\n')
    with pytest.raises(ConfigError, match="data-dependencies"):
        load_settings(project)
    (project / "pyproject.toml").write_text("[tool.mldebtlint]\ndata-dependencies = [1]\n")
    with pytest.raises(ConfigError, match="data-dependencies"):
        load_settings(project)


def test_a_broken_dvc_yaml_is_a_problem_not_a_crash(project: Path) -> None:
    (project / "dvc.yaml").write_text("stages: [unclosed\n")
    (project / "train.py").write_text('import pandas as pd\nx = pd.read_csv("data/x.csv")\n')
    result = run_cli("deps", ".", cwd=project)
    assert result.exit_code == 0
    assert json.loads(result.output)["problems"] == ["dvc.yaml: cannot read: ParserError"]
    checked = json.loads(run_cli("check", ".", "--format", "json", "--exit-zero", cwd=project).output)
    assert [r["message"] for r in checked["results"]] == [
        "`pandas.read_csv` reads `data/x.csv`, and the data manifest cannot be checked: "
        "dvc.yaml: cannot read: ParserError"
    ]


def test_other_libraries_saves_with_resolved_paths_are_writes() -> None:
    code = """
model.save("models/s2s.h5")
profiler.write_results("./results.csv")
run_batch(model, output_path="out/scored.parquet")
model.save(checkpoint_path)
"""
    assert _facts(code) == [
        ("write", "model.save", "models/s2s.h5", "hdf5"),
        ("write", "profiler.write_results", "./results.csv", "csv"),
        ("write", "run_batch", "out/scored.parquet", "parquet"),
    ]


def test_manifest_reads_stage_wdir_foreach_templates_and_dvc_files(tmp_path: Path) -> None:
    from mldebtlint.manifest import load_manifest

    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "dvc.yaml").write_text(
        "stages:\n"
        "  prepare:\n"
        "    wdir: ..\n"
        "    cmd: python prepare.py\n"
        "    deps: [data/raw]\n"
        "    outs: [{data/clean.csv: {cache: false}}]\n"
        "  split:\n"
        "    foreach: [train, test]\n"
        "    do:\n"
        "      cmd: python split.py ${item}\n"
        "      outs:\n"
        "        - splits/${item}.parquet\n"
    )
    (tmp_path / "weights.pt.dvc").write_text("outs:\n- md5: abc\n  path: weights.pt\n")
    manifest = load_manifest(tmp_path, ("reference/**",))
    assert manifest.declaring("data/raw/2024/jan.csv").source == "pipelines/dvc.yaml"
    assert manifest.declaring("data/clean.csv").role == "out"
    assert manifest.declaring("pipelines/splits/train.parquet").role == "out"
    assert manifest.declaring("weights.pt").source == "weights.pt.dvc"
    assert manifest.declaring("reference/regions.csv").role == "glob"
    assert manifest.declaring("data/other.csv") is None


def test_paths_of_files_outside_the_root_are_read_relative_to_their_directories() -> None:
    from mldebtlint.project import local_paths

    assert local_paths("/elsewhere/job/train.py", "data/x.csv") == (
        "data/x.csv",
        "/elsewhere/job/data/x.csv",
        "/elsewhere/data/x.csv",
        "/data/x.csv",
    )
    assert local_paths("src/train.py", "../data/x.csv") == ("data/x.csv",)
    assert local_paths("train.py", "/home/a/x.csv") == ()


def test_manifests_in_excluded_or_gitignored_directories_are_not_read(project: Path) -> None:
    (project / ".gitignore").write_text("data/\n")
    for directory in ("data/images", "build"):
        (project / directory).mkdir(parents=True)
        (project / directory / "dvc.yaml").write_text("stages:\n  s:\n    cmd: x\n    deps: [a.csv]\n")
    (project / "train.py").write_text('import pandas as pd\nx = pd.read_csv("a.csv")\n')
    document = json.loads(run_cli("deps", ".", cwd=project).output)
    assert [(n["path"], n["declared"]) for n in document["data"]] == [("a.csv", False)]


def test_a_dynamic_path_keeps_only_its_literal_beginning() -> None:
    settings = load_settings(DATADEPS / "near-misses")
    engine = Engine(settings, collect_facts=True)
    code = """
import os
from pathlib import Path

import pandas as pd

BUCKET = "s3://lake"
a = pd.read_csv(f"/home/al/{name}.csv")
b = pd.read_csv(os.path.join(BUCKET, key))
c = pd.read_csv(Path("/Users/bob") / sub / "x.csv")
d = pd.read_csv(f"{root}/x.csv")
e = pd.read_csv("https://host/master/{}.csv".format(symbol))
f = pd.read_csv("/root/%s.csv" % name)
"""
    result = engine.check_text(Candidate(settings.root / "p.py", "p.py"), code)
    assert [(a.path, a.prefix, a.store) for a in result.data_accesses] == [
        (None, "/home/al/", "file"),
        (None, "s3://lake", "url"),
        (None, "/Users/bob/", "file"),
        (None, "", "file"),
        (None, "https://host/master/", "url"),
        (None, "/root/", "file"),
    ]


def test_cold_warm_and_parallel_runs_give_the_same_project_findings(tmp_path: Path) -> None:
    repo = DATADEPS / "jungle"
    cold = run_cli("check", ".", "--format", "json", "--cache-dir", str(tmp_path), cwd=repo).output
    warm = run_cli("check", ".", "--format", "json", "--cache-dir", str(tmp_path), cwd=repo).output
    pooled = run_cli("check", ".", "--format", "json", "--no-cache", "--jobs", "2", cwd=repo).output
    assert cold == warm == pooled
    assert [r["code"] for r in json.loads(warm)["results"]] == ["MLD203", "MLD402", "MLD402", "MLD402", "MLD402"]


def test_manifest_search_passes_over_directories_it_cannot_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Checking trees under `/` made the project root `/`, and `/proc` raised PermissionError."""
    from mldebtlint import manifest

    (tmp_path / "locked").mkdir()

    def refuse(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_file", refuse)
    assert manifest._own_project(tmp_path / "locked") is False
    assert manifest._is_excluded(lambda d: refuse(d), tmp_path / "locked") is True


def test_a_root_at_the_top_of_the_file_system_is_never_walked_for_manifests(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from mldebtlint.manifest import load_manifest

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole file system was walked")

    monkeypatch.setattr(os, "walk", no_walk)
    top = Path(Path.cwd().anchor)
    assert load_manifest(top).declarations == ()


def test_cache_directories_are_not_searched_for_manifests(project: Path) -> None:
    from mldebtlint.manifest import load_manifest

    for folder in ("data", "build-cache"):
        (project / folder).mkdir()
        (project / folder / "raw.csv.dvc").write_text("outs:\n- path: raw.csv\n", encoding="utf-8")
    (project / "build-cache" / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert [d.path for d in load_manifest(project).declarations] == ["data/raw.csv"]


def test_a_run_whose_files_read_no_data_never_searches_for_manifests(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mldebtlint.project

    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("the manifest was searched for")

    monkeypatch.setattr(mldebtlint.project, "load_manifest", no_search)
    (project / "train.py").write_text("import torch\n\nmodel = torch.nn.Linear(4, 1)\n", encoding="utf-8")
    result = run_cli("check", "train.py", "--no-cache", cwd=project)
    assert (result.exit_code, result.output) == (0, "No findings in 1 file.\n")
    (project / "train.py").write_text("import pandas as pd\n\nframe = pd.read_csv('data/raw.csv')\n")
    with pytest.raises(AssertionError, match="searched"):
        run_cli("check", "train.py", "--no-cache", cwd=project)


def test_manifest_walk_passes_over_a_directory_it_cannot_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from mldebtlint.manifest import load_manifest

    (tmp_path / "locked").mkdir()
    (tmp_path / "dvc.yaml").write_text("stages: {}\n", encoding="utf-8")
    real_stat = os.stat

    def stat(path, *args, **kwargs):  # what a directory with mode 000 gives a user who is not root
        if "locked" in os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    manifest = load_manifest(tmp_path, ())
    assert manifest.problems == ()


@pytest.mark.parametrize("value", ["2020-13-45", "!!timestamp 2020-01-01x"])
def test_a_manifest_yaml_cannot_construct_is_a_problem_not_a_crash(tmp_path: Path, value: str) -> None:
    from mldebtlint.manifest import load_manifest

    (tmp_path / "dvc.yaml").write_text(f"stages: {{}}\nwhen: {value}\n", encoding="utf-8")
    problems = load_manifest(tmp_path, ()).problems
    assert [p.split(": cannot read")[0] for p in problems] == ["dvc.yaml"]
