"""The functions the CLI (and anyone else) calls: check paths or text, get a Report."""

from __future__ import annotations

import os
from pathlib import Path

from mldebtlint.config import Settings, repository_prefix
from mldebtlint.discovery import Candidate, discover, excluded_by_config, relative_name
from mldebtlint.engine import Engine, recursion_headroom
from mldebtlint.ftypes import FileResult, Report
from mldebtlint.notebooks import NOTEBOOK_SUFFIX


def _report(results: list[FileResult], settings: Settings) -> Report:
    findings = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key())
    suppressed = sorted((s for r in results for s in r.suppressed), key=lambda s: s[0].sort_key())
    in_run = settings.enabled | {f.code for f in findings}
    return Report(
        findings=findings,
        suppressed=suppressed,
        files_checked=len(results),
        lines_checked=sum(r.lines for r in results),
        rules={code: settings.catalog.rules[code] for code in sorted(settings.catalog.rules) if code in in_run},
        checked=frozenset(r.path for r in results),
        repository_prefix=repository_prefix(settings.root),
    )


def check_paths(paths: list[Path], settings: Settings) -> Report:
    """Discover the files under `paths` and check each one."""
    recursion_headroom()
    engine = Engine(settings)
    results = [engine.check(candidate) for candidate in discover(paths, settings)]
    return _report(results, settings)


def check_text(text: str, relpath: str, settings: Settings) -> Report:
    """Check source text as if it were the file `relpath` (stdin, editors, rule examples);
    a `.ipynb` name means the text is a notebook's JSON."""
    recursion_headroom()
    engine = Engine(settings)
    candidate = Candidate(settings.root / relpath, relpath)
    if relpath.endswith(NOTEBOOK_SUFFIX):
        result = engine.check_notebook(candidate, text.encode("utf-8", "surrogatepass"))
    else:
        result = engine.check_text(candidate, text)
    return _report([result], settings)


def check_stdin(data: bytes, filename: Path, settings: Settings) -> Report:
    """Check bytes read from stdin as the file `filename`: its per-file-ignores apply, and with
    `force-exclude` an excluded name checks nothing (as a pre-commit wrapper expects)."""
    recursion_headroom()
    path = Path(os.path.abspath(filename))
    if settings.force_exclude and excluded_by_config(path, settings):
        return _report([], settings)
    candidate = Candidate(path, relative_name(path, settings.root))
    return _report([Engine(settings).check_bytes(candidate, data)], settings)
