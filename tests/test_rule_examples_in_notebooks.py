"""Every rule's bad examples, put in a notebook, are reported at the right cell and line.

The notebook has a markdown cell and a `%matplotlib inline` cell first, and the example's code
is split into two code cells at a top-level statement where it has one, so names must flow
between cells and positions must be mapped back into cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mldebtlint.api import check_text
from mldebtlint.catalog import builtin_catalog
from mldebtlint.config import Overrides, load_settings
from mldebtlint.ftypes import Example, Rule

EXPECT_RE = re.compile(r"#\s*expect:\s*(MLD\d{3})")
_CONTINUATIONS = ("else", "elif", "except", "finally", "case", ")", "]", "}", "@")
_MULTI_FILE_RE = re.compile(r"^# file: \S+$", re.MULTILINE)
# examples whose finding is about the file as a whole, not a place in a cell
_FILE_LEVEL = {"MLD001"}


def _split_point(lines: list[str]) -> int | None:
    """Index of a top-level statement after a blank line, near the middle, to start cell 2."""
    candidates = [
        i
        for i in range(1, len(lines))
        if not lines[i - 1].strip()
        and lines[i][:1].isalpha()
        and not lines[i].startswith(_CONTINUATIONS)
        and not lines[i].startswith(("import ", "from "))
    ]
    return candidates[len(candidates) // 2] if candidates else None


def _cells(code: str) -> list[tuple[int, list[str]]]:
    """(cell index, lines) of the example's code cells, after a markdown and a magic cell."""
    lines = code.splitlines()
    split = _split_point(lines)
    parts = [lines] if split is None else [lines[:split], lines[split:]]
    return [(3 + i, part) for i, part in enumerate(parts)]


def _notebook(cells: list[tuple[int, list[str]]]) -> str:
    def code_cell(lines: list[str]) -> dict[str, object]:
        source = [line + "\n" for line in lines[:-1]] + lines[-1:]
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}

    document = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# An example\n", "Prose first, as notebooks do."]},
            code_cell(["%matplotlib inline"]),
            *(code_cell(lines) for _, lines in cells),
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1)


def _cases() -> list[tuple[Rule, int, Example]]:
    return [
        (rule, i, ex)
        for rule in builtin_catalog().rules.values()
        for i, ex in enumerate(rule.examples)
        if ex.kind == "bad"
        and rule.code not in _FILE_LEVEL
        and ex.filename.endswith(".py")  # requirements files and the like are not code cells
        and not _MULTI_FILE_RE.search(ex.code)  # several files of one project: not one notebook
    ]


@pytest.mark.parametrize(("rule", "index", "example"), _cases(), ids=[f"{rule.code}-{i}" for rule, i, _ in _cases()])
def test_bad_example_in_a_notebook_is_reported_at_its_cell(
    rule: Rule, index: int, example: Example, project: Path
) -> None:
    cells = _cells(example.code.lstrip("\n"))
    expected = sorted(
        (cell, n, m.group(1))
        for cell, lines in cells
        for n, line in enumerate(lines, start=1)
        for m in EXPECT_RE.finditer(line)
        if m.group(1) == rule.code
    )
    name = Path(example.filename).with_suffix(".ipynb").as_posix()
    report = check_text(_notebook(cells), name, load_settings(project, Overrides(select=("ALL",))))
    found = sorted((f.cell, f.start.line, f.code) for f in report.findings if f.code == rule.code)
    assert found == expected
    assert not [f for f in report.findings if f.code in ("MLD001", "MLD004", "MLD009")], report.findings
