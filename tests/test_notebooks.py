"""Jupyter notebooks: cells joined, IPython syntax blanked, findings placed in their cells and
at the raw `.ipynb` line that holds them; bad notebooks give one diagnostic each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldebtlint import notebooks
from mldebtlint.api import check_paths, check_text
from mldebtlint.config import load_settings
from mldebtlint.ftypes import Finding, Position, Severity
from mldebtlint.notebooks import mask_ipython, read_notebook
from tests.conftest import FIXTURES, REPO, assert_snapshot, run_cli

NOTEBOOKS = FIXTURES / "notebooks"
PYTHON_KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}


def notebook_json(cells: list[tuple[str, Any]], metadata: dict[str, Any] | None = None, indent: int | None = 1) -> str:
    """A notebook as Jupyter writes it; each cell is (cell_type, source as str or list)."""
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source, **({"outputs": []} if kind == "code" else {})}
            for kind, source in cells
        ],
        "metadata": PYTHON_KERNEL if metadata is None else metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


def code_cell(text: str) -> tuple[str, list[str]]:
    return ("code", text.splitlines(keepends=True))


def check(project: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("check", ".", "--format", "json", *args, cwd=project)
    assert "Traceback" not in result.output
    return json.loads(result.output)["results"]


def places(results: list[dict[str, Any]]) -> list[tuple[str, str, int | None, int, int]]:
    return [(r["code"], r["filename"], r["cell"], r["location"]["row"], r["location"]["column"]) for r in results]


# -- the fixtures ----------------------------------------------------------------------------
def test_fixture_notebooks_report_exact_cells_lines_and_columns() -> None:
    result = run_cli("check", "fixtures/notebooks", "--format", "json")
    assert result.exit_code == 1
    base = "fixtures/notebooks/"
    assert places(json.loads(result.output)["results"]) == [
        ("MLD004", base + "broken/explore.ipynb", None, 9, 1),
        ("MLD201", base + "broken/train.py", None, 3, 13),
        # the project pass: the repository declares no data dependencies (said once, in the notebook)
        ("MLD203", base + "churn_scoring.ipynb", 4, 1, 7),
        ("MLD601", base + "churn_scoring.ipynb", 5, 2, 16),
        ("MLD201", base + "fine_tune_sentiment.ipynb", 3, 2, 9),
        ("MLD007", base + "r_kernel.ipynb", None, 1, 1),
        ("MLD201", base + "rules/mld201_unpinned_hub.ipynb", 4, 1, 11),
        ("MLD201", base + "rules/mld201_unpinned_hub.ipynb", 4, 2, 11),
        ("MLD403", base + "rules/mld403_dead_codepath.ipynb", 3, 3, 5),
        ("MLD403", base + "rules/mld403_dead_codepath.ipynb", 3, 8, 5),
        ("MLD601", base + "rules/mld601_fixed_threshold.ipynb", 3, 4, 12),
    ]


def test_fixture_notebooks_text_output_snapshot() -> None:
    result = run_cli("check", "fixtures/notebooks")
    assert result.exit_code == 1
    assert_snapshot("notebooks.txt", result.output)


def test_fixture_notebooks_json_output_snapshot() -> None:
    result = run_cli("check", "fixtures/notebooks", "--format", "json")
    assert_snapshot("notebooks.json", result.output)


def _cell_line(path: Path, cell: int, line: int) -> str:
    source = json.loads(path.read_text(encoding="utf-8"))["cells"][cell - 1]["source"]
    text = source if isinstance(source, str) else "".join(source)
    return text.splitlines()[line - 1]


def _escaped(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def assert_raw_positions_hold_the_source(finding: Finding, path: Path) -> None:
    """The raw line at raw_start holds the flagged source text, escaped as JSON; raw_end ends it."""
    assert finding.cell is not None and finding.raw_start is not None and finding.raw_end is not None
    raw_lines = path.read_text(encoding="utf-8").splitlines()
    start_line = _cell_line(path, finding.cell, finding.start.line)
    raw = raw_lines[finding.raw_start.line - 1]
    assert raw[finding.raw_start.column - 1 :].startswith(_escaped(start_line[finding.start.column - 1 :]))
    end_line = _cell_line(path, finding.cell, finding.end.line)
    raw = raw_lines[finding.raw_end.line - 1]
    assert raw[: finding.raw_end.column - 1].endswith(_escaped(end_line[: finding.end.column - 1]))


def test_raw_positions_point_at_the_raw_json_line_holding_the_source() -> None:
    report = check_paths([NOTEBOOKS], load_settings(NOTEBOOKS, cwd=REPO))
    placed = [f for f in report.findings if f.cell is not None]
    assert len(placed) == 8  # 7 per-file findings and the project pass's MLD203
    for finding in placed:
        assert_raw_positions_hold_the_source(finding, REPO / finding.path)
    by_file = {(Path(f.path).name, f.start.line): (f.raw_start, f.raw_end) for f in placed}
    # churn_scoring.ipynb, cell 5 line 2: `at_risk = live[proba[:, 1] > 0.73]`, line 54 of the file
    assert by_file[("churn_scoring.ipynb", 2)] == (Position(54, 21), Position(54, 39))
    # a cell whose source is one JSON string: every line sits on the same raw line
    assert by_file[("mld601_fixed_threshold.ipynb", 4)] == (Position(25, 182), Position(25, 195))


def test_raw_positions_in_a_minified_notebook(project: Path) -> None:
    cells = [
        ("markdown", "# Scores"),
        code_cell("import torch\n\nscores = torch.sigmoid(logits)\nhits = scores > 0.9\n"),
    ]
    (project / "nb.ipynb").write_text(notebook_json(cells, indent=None), encoding="utf-8")
    report = check_paths([project], load_settings(project))
    [finding] = report.findings
    assert (finding.code, finding.cell, finding.start, finding.raw_start) == (
        "MLD601",
        2,
        Position(4, 8),
        Position(1, 194),
    )
    assert_raw_positions_hold_the_source(finding, project / "nb.ipynb")


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
            max_size=4,
        ),
        max_size=4,
    ),
    indent=st.sampled_from([None, 1, 2]),
    as_string=st.booleans(),
)
def test_every_cell_character_maps_to_its_raw_json_escape(
    parts: list[list[str]], indent: int | None, as_string: bool
) -> None:
    cells = [("code", "".join(p) if as_string else p) for p in parts]
    raw = notebook_json(cells, indent=indent)
    notebook = read_notebook(raw.encode("utf-8"))
    raw_lines = raw.split("\n")
    for cell in notebook.cells:
        text = "".join(parts[cell.number - 1])
        for number, start in enumerate(cell.line_starts, start=1):
            for column in range(1, cell.line_lengths[number - 1] + 1):
                where = notebook.raw_position(cell, Position(number, column))
                escaped = _escaped(text[start + column - 1])
                assert raw_lines[where.line - 1][where.column - 1 :].startswith(escaped)


# -- names flow between cells; IPython syntax ------------------------------------------------
def test_smell_that_depends_on_an_earlier_cell_is_found(project: Path) -> None:
    cells = [
        code_cell("import numpy as np\n\nproba = clf.predict_proba(X_live)\n"),
        ("markdown", ["## Alerts"]),
        code_cell("%time n = len(X_live)\nalerts = np.where(proba[:, 1] > 0.91, 1, 0)\n"),
    ]
    (project / "alerts.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    assert places(check(project)) == [("MLD601", "alerts.ipynb", 3, 2, 19)]


def test_module_flag_set_in_one_cell_and_tested_in_another(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint.rules.MLD403]\nmodule-flags = true\n")
    cells = [
        code_cell("USE_LEGACY_FEATURES = False\n"),
        ("markdown", ["## Features"]),
        code_cell("df = load()\nif USE_LEGACY_FEATURES:\n    df = add_ratios(df)\n"),
    ]
    (project / "features.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    assert places(check(project)) == [("MLD403", "features.ipynb", 3, 2, 1)]


def test_ipynb_checkpoints_and_excludes_are_respected(project: Path) -> None:
    smelly = notebook_json([code_cell("from datasets import load_dataset\nd = load_dataset('imdb')\n")])
    for name in ("nb.ipynb", ".ipynb_checkpoints/nb-checkpoint.ipynb", "archive/old.ipynb"):
        (project / name).parent.mkdir(exist_ok=True)
        (project / name).write_text(smelly, encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nextend-exclude = ["archive/"]\n')
    assert places(check(project)) == [("MLD201", "nb.ipynb", 1, 2, 5)]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["%matplotlib inline", "import numpy as np"], ["", "import numpy as np"]),
        (["!pip install -q datasets", "files = !ls data/", "x = 1"], ["", "", "x = 1"]),
        (["%%bash", "ls data/", "echo done"], ["", "", ""]),
        (["", "%%sql", "SELECT 1"], ["", "", ""]),
        (["%%time", "model.fit(X, y)"], ["", "model.fit(X, y)"]),
        (["model.fit?", "??np.where", "x = 1  # why?"], ["", "", "x = 1  # why?"]),
        (
            ["if IN_COLAB:", "    !pip install \\", "        datasets", "x = 1"],
            ["if IN_COLAB:", "    pass", "", "x = 1"],
        ),
        (["total = (a", "         % b)", "%who"], ["total = (a", "         % b)", ""]),
        (['doc = """', "%d items", '!"""'], ['doc = """', "%d items", '!"""']),
        (["ratio = a \\", "    % b"], ["ratio = a \\", "    % b"]),
        (["s = 'a # ('", "%pwd"], ["s = 'a # ('", ""]),
        (['"""Is the cut-off stale?', '"""', "x?"], ['"""Is the cut-off stale?', '"""', ""]),
    ],
)
def test_ipython_syntax_is_blanked_line_for_line(lines: list[str], expected: list[str]) -> None:
    assert mask_ipython(lines) == expected


def test_valid_python_is_left_alone_by_the_ipython_blanking() -> None:
    for path in sorted((REPO / "mldebtlint").rglob("*.py")) + sorted((REPO / "tests").glob("*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        assert mask_ipython(lines) == lines, path


# -- suppressions inside cells ---------------------------------------------------------------
def test_suppressions_work_inside_cells(project: Path) -> None:
    cells = [
        code_cell("from datasets import load_dataset\n"),
        code_cell("a = load_dataset('imdb')  # noqa: MLD201 -- frozen mirror\n"),
        code_cell("# mldebtlint: ignore[MLD201] evaluation only\nb = load_dataset('ag_news')\n"),
        code_cell("c = load_dataset('squad')\nd = 1  # noqa: MLD201\n"),
    ]
    (project / "nb.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    result = run_cli("check", ".", "--format", "json", cwd=project)
    document = json.loads(result.output)
    assert places(document["results"]) == [
        ("MLD201", "nb.ipynb", 4, 1, 5),
        ("MLD005", "nb.ipynb", 4, 2, 8),
    ]
    assert [(s["cell"], s["location"]["row"], s["suppression"]) for s in document["suppressed"]] == [
        (2, 1, {"kind": "noqa", "line": 1, "reason": "frozen mirror"}),
        (3, 2, {"kind": "next", "line": 1, "reason": "evaluation only"}),
    ]


def test_file_level_suppression_in_the_first_code_cell_covers_the_notebook(project: Path) -> None:
    cells = [
        ("markdown", ["# Tokenize"]),
        code_cell("# mldebtlint: ignore-file[MLD2] models are mirrored internally\nimport transformers\n"),
        code_cell("tok = transformers.AutoTokenizer.from_pretrained('bert-base-uncased')\n"),
        code_cell("if False:\n    tok = None\n"),
    ]
    (project / "nb.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    document = json.loads(run_cli("check", ".", "--format", "json", cwd=project).output)
    assert places(document["results"]) == [("MLD403", "nb.ipynb", 4, 1, 1)]
    assert [(s["code"], s["cell"], s["location"]["row"]) for s in document["suppressed"]] == [("MLD201", 3, 1)]


# -- bad notebooks: one diagnostic each, never a crash ---------------------------------------
def _cells_json(cells: Any, **top: Any) -> bytes:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5, **top}).encode()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ("MLD004", 1, 1, "notebook is not valid JSON: Expecting value")),
        (b'{"cells": [}', ("MLD004", 1, 12, "notebook is not valid JSON: Expecting value")),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ("MLD004", 3, 1, "file contains NUL bytes: binary data, not a notebook")),
        (b'{"cells": "\xff"}', ("MLD004", 1, 1, "notebook is not valid UTF-8 (byte 0xff)")),
        (b"[1, 2]", ("MLD004", 1, 1, "not a notebook: the JSON document is not an object")),
        (b'{"metadata": {}, "nbformat": 4}', ("MLD004", 1, 1, "not a notebook: no `cells` list")),
        (
            json.dumps({"worksheets": [{"cells": []}], "metadata": {}, "nbformat": 3}).encode(),
            (
                "MLD004",
                1,
                1,
                "nbformat 3 notebooks are not supported: convert it with "
                "`jupyter nbconvert --to notebook --nbformat 4 --inplace FILE`",
            ),
        ),
        (
            b'{"cells": [], "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            ("MLD004", 1, 1, "notebook is not valid JSON: it nests too deeply"),
        ),
        (_cells_json(["print(1)"]), ("MLD004", 1, 1, "cell 1 is not a JSON object")),
        (
            _cells_json([{"cell_type": "markdown", "source": ["a"]}, {"cell_type": "code", "source": 7}]),
            ("MLD004", 1, 1, "cell 2: `source` is neither a string nor a list of strings"),
        ),
        (
            _cells_json([{"cell_type": "code", "source": "x = '\x00'"}]),
            ("MLD004", 1, 1, "cell 1 holds a NUL character or a lone surrogate: not Python source"),
        ),
        (
            _cells_json([{"cell_type": "code", "source": "x = '\ud800'"}]),
            ("MLD004", 1, 1, "cell 1 holds a NUL character or a lone surrogate: not Python source"),
        ),
    ],
    ids=[
        "empty",
        "truncated",
        "binary",
        "not-utf8",
        "array",
        "no-cells",
        "nbformat3",
        "deep-nesting",
        "cell-not-object",
        "source-int",
        "nul-in-source",
        "surrogate-in-source",
    ],
)
def test_bad_notebook_gives_one_diagnostic(project: Path, content: bytes, expected: tuple[Any, ...]) -> None:
    (project / "bad.ipynb").write_bytes(content)
    (project / "ok.py").write_text('from datasets import load_dataset\nd = load_dataset("imdb")\n')
    results = check(project)
    assert [(r["code"], r["location"]["row"], r["location"]["column"], r["message"]) for r in results] == [
        expected,
        ("MLD201", 2, 5, '`load_dataset` loads a dataset `"imdb"` without `revision=`: it can change under you'),
    ]


def test_handled_oddities_give_no_diagnostic(project: Path) -> None:
    cells = [
        {"cell_type": "code", "source": "import torch\nscores = torch.sigmoid(z)\n"},  # source as one string
        {"cell_type": "code"},  # no source at all
        {"cell_type": "code", "source": []},
        {"cell_type": "raw", "source": ["%%%% not code"]},
        {"cell_type": "heading", "source": ["from a future nbformat"]},
        {"cell_type": "code", "source": ["hits = scores ", "> 0.8\r\n"]},  # one line split over two parts
        {"cell_type": "code", "source": ["print(1)"], "outputs": [{"data": {"image/png": "\u0000\uffff"}}]},
    ]
    (project / "nb.ipynb").write_bytes(b"\xef\xbb\xbf" + _cells_json(cells, metadata={"language_info": {}}))
    results = check(project)
    assert places(results) == [("MLD601", "nb.ipynb", 6, 1, 8)]


def test_syntax_error_in_a_cell_is_placed_in_that_cell(project: Path) -> None:
    cells = [
        code_cell("import pandas as pd\n"),
        ("markdown", ["x"]),
        code_cell("df = pd.read_csv('a.csv')\nprint df\n"),
    ]
    (project / "nb.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    [result] = check(project)
    assert (result["code"], result["cell"], result["location"]) == ("MLD001", 3, {"row": 2, "column": 1})


def test_unclosed_bracket_at_the_end_stays_in_the_last_cell(project: Path) -> None:
    cells = [code_cell("import numpy as np\n"), code_cell("x = np.array([1, 2,\n")]
    (project / "nb.ipynb").write_text(notebook_json(cells), encoding="utf-8")
    [result] = check(project)
    assert (result["code"], result["cell"], result["location"]) == ("MLD001", 2, {"row": 1, "column": 14})


def test_non_python_kernel_is_skipped_with_one_info(project: Path) -> None:
    julia = {"kernelspec": {"language": "julia", "name": "julia-1.10"}, "language_info": {"name": "julia"}}
    (project / "nb.ipynb").write_text(notebook_json([code_cell("x = 1 > 0.73\n")], metadata=julia))
    result = run_cli("check", ".", "--format", "json", cwd=project)
    assert result.exit_code == 0  # info is below the default --fail-on
    [finding] = json.loads(result.output)["results"]
    assert (finding["code"], finding["severity"], finding["message"]) == (
        "MLD007",
        Severity.INFO.label,
        "notebook skipped: its kernel language is julia, not Python",
    )


def test_a_notebook_over_the_size_limit_is_a_diagnostic(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notebooks, "MAX_NOTEBOOK_BYTES", 1024 * 1024)
    payload = "A" * (2 * 1024 * 1024)
    cell = {"cell_type": "code", "source": ["x = 1"], "outputs": [{"data": {"image/png": payload}}]}
    (project / "big.ipynb").write_bytes(_cells_json([cell]))
    [result] = check(project)
    assert result["message"] == "notebook is too large to check (2 MB; the limit is 1 MiB)"


def test_a_notebook_with_large_binary_outputs_is_checked(project: Path) -> None:
    payload = "iVBORw0KGgo" * 500_000  # about 5 MB of base64 image, as plots leave behind
    cells = [
        {"cell_type": "code", "source": ["import torch\n", "s = torch.sigmoid(z)"], "outputs": []},
        {"cell_type": "code", "source": ["plot(s)"], "outputs": [{"data": {"image/png": payload}}]},
        {"cell_type": "code", "source": ["flagged = s > 0.6"], "outputs": []},
    ]
    (project / "plots.ipynb").write_bytes(_cells_json(cells))
    assert places(check(project)) == [("MLD601", "plots.ipynb", 3, 1, 11)]


def test_check_text_reads_a_notebook_named_ipynb(project: Path) -> None:
    cells = [("markdown", ["# Labels"]), code_cell("labels = clf.predict_proba(X)[:, 1] >= 0.8\n")]
    report = check_text(notebook_json(cells), "stdin.ipynb", load_settings(project))
    assert [(f.code, f.path, f.cell, f.start) for f in report.findings] == [
        ("MLD601", "stdin.ipynb", 2, Position(1, 10))
    ]
