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
FILE_RE = re.compile(r"^# file: (\S+)\n", re.MULTILINE)  # multi-file examples of project rules


def _cases() -> list[tuple[Rule, int, Example]]:
    return [(rule, i, ex) for rule in builtin_catalog().rules.values() for i, ex in enumerate(rule.examples)]


@pytest.mark.parametrize(
    ("rule", "index", "example"),
    _cases(),
    ids=[f"{rule.code}-{ex.kind}-{i}" for rule, i, ex in _cases()],
)
def test_rule_example(rule: Rule, index: int, example: Example, project: Path) -> None:
    settings = load_settings(project, Overrides(select=("ALL",)))
    files = _example_files(example)
    expected = sorted(
        (name, n, m.group(1))
        for name, code in files.items()
        for n, line in enumerate(code.splitlines(), start=1)
        for m in EXPECT_RE.finditer(line)
    )
    if len(files) == 1 and example.filename.endswith((".py", ".ipynb")):
        report = check_text(files[example.filename], example.filename, settings)
    else:  # several files, or a dependency declaration (requirements.txt): the project pass reads them
        for name, code in files.items():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            (project / name).write_text(code, encoding="utf-8")
        report = check_paths([project], settings, jobs=1)
    found = sorted((f.path, f.start.line, f.code) for f in report.findings if f.code == rule.code)
    assert found == [e for e in expected if e[2] == rule.code]
    if rule.code != "MLD001":
        assert not [f for f in report.findings if f.code in ("MLD001", "MLD009")], report.findings


def _example_files(example: Example) -> dict[str, str]:
    """The example's files: its code as `filename`, or split at `# file: NAME` lines."""
    code = example.code.lstrip("\n")
    parts = FILE_RE.split(code)
    if len(parts) == 1:
        return {example.filename: code}
    return {name: body.lstrip("\n") for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_every_rule_has_docs_and_examples() -> None:
    for rule in builtin_catalog().rules.values():
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.use_instead, rule.code
        if rule.section.slug != "engine":
            kinds = {e.kind for e in rule.examples}
            assert kinds == {"bad", "good"}, f"{rule.code} needs bad and near-miss examples"
            assert "Sculley" in rule.doc.why, f"{rule.code} must cite the paper section"
