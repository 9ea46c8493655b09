"""Every example of every rule file is a test: bad ones report exactly the marked lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldebtlint.api import check_paths, check_text
from mldebtlint.catalog import builtin_catalog
from mldebtlint.config import Overrides, load_settings
from mldebtlint.ftypes import Example, Rule

EXPECT_RE = re.compile(r"#\s*expect:\s*(MLD\d{3})")


def _cases() -> list[tuple[Rule, int, Example]]:
    return [(rule, i, ex) for rule in builtin_catalog().rules.values() for i, ex in enumerate(rule.examples)]


@pytest.mark.parametrize(
    ("rule", "index", "example"),
    _cases(),
    ids=[f"{rule.code}-{ex.kind}-{i}" for rule, i, ex in _cases()],
)
def test_rule_example(rule: Rule, index: int, example: Example, project: Path) -> None:
    settings = load_settings(project, Overrides(select=("ALL",)))
    code = example.code.lstrip("\n")
    expected = sorted(
        (n, m.group(1)) for n, line in enumerate(code.splitlines(), start=1) for m in EXPECT_RE.finditer(line)
    )
    if example.filename.endswith((".py", ".ipynb")):
        report = check_text(code, example.filename, settings)
    else:  # a dependency declaration (requirements.txt, pyproject.toml): the project pass reads it
        (project / example.filename).write_text(code, encoding="utf-8")
        report = check_paths([project], settings, jobs=1)
    found = sorted((f.start.line, f.code) for f in report.findings if f.code == rule.code)
    assert found == [e for e in expected if e[1] == rule.code]
    if rule.code != "MLD001":
        assert not [f for f in report.findings if f.code in ("MLD001", "MLD009")], report.findings


def test_every_rule_has_docs_and_examples() -> None:
    for rule in builtin_catalog().rules.values():
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.use_instead, rule.code
        if rule.section.slug != "engine":
            kinds = {e.kind for e in rule.examples}
            assert kinds == {"bad", "good"}, f"{rule.code} needs bad and near-miss examples"
            assert "Sculley" in rule.doc.why, f"{rule.code} must cite the paper section"
