"""The functions the CLI (and anyone else) calls: check paths or text, get a Report.

libcst is imported only when a file has to be parsed: a run answered from the cache, `--help`
and `--version` never pay its start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

from mldebtlint.cache import CACHE_DIR_NAME, ResultCache, read_source
from mldebtlint.config import Settings, repository_prefix
from mldebtlint.deps import DataDependencies, build_dependencies
from mldebtlint.discovery import Candidate, discover, excluded_by_config, relative_name
from mldebtlint.ftypes import FileResult, Report
from mldebtlint.notebooks import NOTEBOOK_SUFFIX
from mldebtlint.project import collect_facts, run_project_pass


def _report(results: list[FileResult], settings: Settings, project: list[FileResult] | None = None) -> Report:
    """The report of `results`, plus the project pass's findings (`project`, one result per file)."""
    both = [*results, *(project or [])]
    findings = sorted((f for r in both for f in r.findings), key=lambda f: f.sort_key())
    suppressed = sorted((s for r in both for s in r.suppressed), key=lambda s: s[0].sort_key())
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


def check_paths(
    paths: list[Path],
    settings: Settings,
    *,
    jobs: int | None = None,
    cache: bool = False,
    cache_dir: Path | None = None,
) -> Report:
    """Discover the files under `paths` and check each one.

    `jobs`: worker processes (None: one per CPU; small inputs always stay in this process).
    `cache`: reuse and store per-file results in `cache_dir` (default: `.mldebtlint_cache` in
    the project root).
    """
    candidates = discover(paths, settings)
    results = _results(candidates, settings, jobs, cache, cache_dir)
    return _report(results, settings, run_project_pass(settings, results))


def _results(
    candidates: list[Candidate], settings: Settings, jobs: int | None, cache: bool, cache_dir: Path | None
) -> list[FileResult]:
    store = ResultCache.open(cache_dir or settings.root / CACHE_DIR_NAME, settings) if cache else None
    results: list[FileResult | None] = [None] * len(candidates)
    keys: list[str | None] = [None] * len(candidates)
    if store is not None:
        for index, candidate in enumerate(candidates):
            data = read_source(candidate)
            if data is None:
                continue  # unreadable or not a regular file: the engine says why, uncached
            keys[index] = key = store.key(candidate.relpath, data)
            results[index] = store.load(key)
    missing = [i for i, result in enumerate(results) if result is None]
    if missing:
        from mldebtlint.parallel import check_files  # imports libcst

        fresh = check_files([candidates[i] for i in missing], settings, jobs)
        for index, result in zip(missing, fresh, strict=True):
            results[index] = result
            key = keys[index]
            if store is not None and key is not None and not _is_transient(result):
                store.store(key, result)
    return [result for result in results if result is not None]


def _is_transient(result: FileResult) -> bool:
    """Internal errors (a crash, a detector bug) are not cached: the next run tries again."""
    return any(f.code == "MLD009" for f in result.findings)


def check_text(text: str, relpath: str, settings: Settings) -> Report:
    """Check source text as if it were the file `relpath` (stdin, editors, rule examples);
    a `.ipynb` name means the text is a notebook's JSON."""
    from mldebtlint.engine import Engine, recursion_headroom

    recursion_headroom()
    engine = Engine(settings)
    candidate = Candidate(settings.root / relpath, relpath)
    if relpath.endswith(NOTEBOOK_SUFFIX):
        result = engine.check_notebook(candidate, text.encode("utf-8", "surrogatepass"))
    else:
        result = engine.check_text(candidate, text)
    stored = {relpath: text.encode("utf-8", "surrogatepass")}
    return _report([result], settings, run_project_pass(settings, [result], stored))


def check_stdin(data: bytes, filename: Path, settings: Settings) -> Report:
    """Check bytes read from stdin as the file `filename`: its per-file-ignores apply, and with
    `force-exclude` an excluded name checks nothing (as a pre-commit wrapper expects)."""
    from mldebtlint.engine import Engine, recursion_headroom

    recursion_headroom()
    path = Path(os.path.abspath(filename))
    if settings.force_exclude and excluded_by_config(path, settings):
        return _report([], settings)
    candidate = Candidate(path, relative_name(path, settings.root))
    result = Engine(settings).check_bytes(candidate, data)
    return _report([result], settings, run_project_pass(settings, [result], {candidate.relpath: data}))


def data_dependencies(paths: list[Path], settings: Settings) -> DataDependencies:
    """The data-dependency manifest of the files under `paths` (what `mldebtlint deps` prints)."""
    from mldebtlint.engine import Engine, recursion_headroom

    recursion_headroom()
    engine = Engine(settings, collect_facts=True)
    results = [engine.check(candidate) for candidate in discover(paths, settings)]
    return build_dependencies(collect_facts(results, settings))
