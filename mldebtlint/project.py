"""The project pass: after every file is checked, project-level detectors join the per-file
facts with the repository's data manifest. Serial, deterministic, cheap, never cached; it never
changes the per-file results (a cache may hold them), it returns findings of its own."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mldebtlint.data_paths import is_url
from mldebtlint.discovery import _Ignores
from mldebtlint.engine import _suppressed_by, fingerprint
from mldebtlint.ftypes import DataAccess, FileResult, Finding
from mldebtlint.manifest import DataManifest, load_manifest

if TYPE_CHECKING:
    from mldebtlint.config import Settings
    from mldebtlint.engine import Engine


@dataclass(frozen=True)
class DataSite:
    """A data access and the file it is in."""

    file: str
    access: DataAccess

    @property
    def where(self) -> str:
        """`path:line` for messages."""
        return f"{self.file}:{self.access.start.line}"

    @property
    def local_paths(self) -> tuple[str, ...]:
        """The repository paths the access can mean: relative to the root (scripts run from
        there) or to the file's directory or one of its parents. Empty for URLs, absolute and
        dynamic paths."""
        return local_paths(self.file, self.access.path)


def local_paths(file: str, path: str | None) -> tuple[str, ...]:
    """Every reading of a relative `path` used in `file`, normalised, inside the repository."""
    if path is None or not path or is_url(path) or path.startswith(("/", "~", "\\")) or ":" in path[:3]:
        return ()
    if "*" in path or "?" in path:
        return ()
    found: list[str] = []
    directory = posixpath.dirname(file)
    bases = [""]
    while directory and directory not in bases:  # "/" is its own parent (files outside the root)
        bases.append(directory)
        directory = posixpath.dirname(directory)
    for base in bases:
        candidate = posixpath.normpath(posixpath.join(base, path))
        if candidate.startswith("..") or candidate == "." or candidate in found:
            continue
        found.append(candidate)
    return tuple(found)


@dataclass(frozen=True)
class ProjectFacts:
    """What the project detectors see: every data access of every file, and the manifest."""

    sites: tuple[DataSite, ...]
    manifest: DataManifest

    def reads(self) -> Iterable[DataSite]:
        return (s for s in self.sites if s.access.kind == "read")

    def writes(self) -> Iterable[DataSite]:
        return (s for s in self.sites if s.access.kind == "write")


@dataclass(frozen=True)
class ProjectFinding:
    """A project detector's finding, at a data site."""

    code: str
    message: str
    site: DataSite


def collect_facts(results: list[FileResult], settings: Settings) -> ProjectFacts:
    """Join the per-file facts (in path order) with the manifest read from the project root."""
    sites = tuple(DataSite(r.path, a) for r in sorted(results, key=lambda r: r.path) for a in r.data_accesses)
    ignores = _Ignores(settings)
    manifest = load_manifest(settings.root, settings.data_dependencies, lambda d: ignores.excluded(d, is_dir=True))
    return ProjectFacts(sites, manifest)


def run_project_pass(engine: Engine, results: list[FileResult]) -> list[FileResult]:
    """Project findings (and project-rule suppression diagnostics), one result per file."""
    if not engine.project_detectors:
        return []
    facts = collect_facts(results, engine.settings)
    by_file: dict[str, list[ProjectFinding]] = {}
    for detector in engine.project_detectors:
        for found in detector.check(facts):
            by_file.setdefault(found.site.file, []).append(found)
    extra = []
    for result in sorted(results, key=lambda r: r.path):
        found_here = by_file.get(result.path, [])
        if not found_here and not result.suppressions:
            continue
        extra.append(_file_findings(engine, result, found_here))
    return extra


def _file_findings(engine: Engine, result: FileResult, found: list[ProjectFinding]) -> FileResult:
    enabled = engine._enabled_for(result.path)
    out = FileResult(result.path)
    seen: Counter[tuple[str, str]] = Counter()
    located: list[tuple[Finding, int]] = []
    for item in sorted(found, key=lambda f: (f.site.access.start.line, f.site.access.start.column, f.code)):
        if item.code not in enabled:
            continue
        access = item.site.access
        seen[(item.code, access.key)] += 1
        finding = Finding(
            code=item.code,
            message=item.message,
            path=result.path,
            start=access.start,
            end=access.end,
            severity=engine._severity(item.code),
            fingerprint=fingerprint(item.code, result.path, access.key, seen[(item.code, access.key)]),
        )
        located.append((finding, access.statement_line))
    used: dict[int, set[str]] = {}
    for index, code in result.suppressions_used:
        used.setdefault(index, set()).add(code)
    for finding, statement_line in located:
        by = _suppressed_by(finding, statement_line, result.suppressions, result.suppression_targets)
        if by is None:
            out.findings.append(finding)
        else:
            index, matched = by
            used.setdefault(index, set()).add(matched)
            out.suppressed.append((finding, result.suppressions[index]))
    for index, suppression in enumerate(result.suppressions):
        engine._check_suppression(suppression, used.get(index, set()), out, enabled, project_pass=True)
    return out
