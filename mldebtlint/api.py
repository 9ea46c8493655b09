"""The functions the CLI (and anyone else) calls: check paths or text, get a Report."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.config import Settings
from mldebtlint.deps import DataDependencies, build_dependencies
from mldebtlint.discovery import Candidate, discover
from mldebtlint.engine import Engine, recursion_headroom
from mldebtlint.ftypes import FileResult, Report
from mldebtlint.project import collect_facts, run_project_pass


def _report(results: list[FileResult], settings: Settings, project: list[FileResult] | None = None) -> Report:
    both = [*results, *(project or [])]
    findings = sorted((f for r in both for f in r.findings), key=lambda f: f.sort_key())
    suppressed = sorted((s for r in both for s in r.suppressed), key=lambda s: s[0].sort_key())
    return Report(
        findings=findings,
        suppressed=suppressed,
        files_checked=len(results),
        lines_checked=sum(r.lines for r in results),
        rules={code: settings.catalog.rules[code] for code in sorted(settings.catalog.rules)},
    )


def check_paths(paths: list[Path], settings: Settings) -> Report:
    """Discover the files under `paths` and check each one."""
    recursion_headroom()
    engine = Engine(settings)
    results = [engine.check(candidate) for candidate in discover(paths, settings)]
    return _report(results, settings, run_project_pass(engine, results))


def check_text(text: str, relpath: str, settings: Settings) -> Report:
    """Check source text as if it were the file `relpath` (stdin, editors, rule examples)."""
    recursion_headroom()
    engine = Engine(settings)
    result = engine.check_text(Candidate(settings.root / relpath, relpath), text)
    return _report([result], settings, run_project_pass(engine, [result]))


def data_dependencies(paths: list[Path], settings: Settings) -> DataDependencies:
    """The data-dependency manifest of the files under `paths` (what `mldebtlint deps` prints)."""
    recursion_headroom()
    engine = Engine(settings, collect_facts=True)
    results = [engine.check(candidate) for candidate in discover(paths, settings)]
    return build_dependencies(collect_facts(results, settings))
