"""Notebook magics the joined module cannot show: `%run` of notebooks (MLD407) and cells in
another language (MLD406), found at their cell and line and at their raw .ipynb line."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES, run_cli


def test_run_of_notebooks_and_other_language_cells_are_reported() -> None:
    result = run_cli("check", "fixtures/notebook-magics", "--select", "MLD406,MLD407", "--format", "json", "--no-cache")
    found = [
        (r["code"], r["cell"], r["location"]["row"], r["location"]["column"], r["message"])
        for r in json.loads(result.output)["results"]
    ]
    assert found == [
        (
            "MLD407",
            2,
            1,
            1,
            "`%run ./prepare_features.ipynb` runs another notebook inside this one: prototype code in the system",
        ),
        ("MLD406", 3, 1, 1, "a `%%R` cell runs R inside this Python notebook (2 lines)"),
        (
            "MLD407",
            7,
            2,
            5,
            "`%run ../etl/refresh.ipynb` runs another notebook inside this one: prototype code in the system",
        ),
    ]


def test_magic_findings_point_at_the_raw_notebook_line() -> None:
    result = run_cli("check", "fixtures/notebook-magics", "--select", "MLD407", "--format", "github", "--no-cache")
    raw = (FIXTURES / "notebook-magics" / "churn_analysis.ipynb").read_text(encoding="utf-8").splitlines()
    lines = [
        int(part.split("=")[1])
        for row in result.output.splitlines()
        for part in row.split(",")
        if part.startswith("line=")
    ]
    assert [raw[n - 1].strip() for n in lines] == [
        '"%run ./prepare_features.ipynb\\n",',
        '"    %run -i ../etl/refresh.ipynb"',
    ]
