"""The project pass: after every file is checked, project-level detectors join the per-file
facts with the repository's data manifest. Serial, deterministic, cheap, never cached; it never
changes the per-file results (a cache may hold them), it returns findings of its own."""

from __future__ import annotations

import dataclasses
import posixpath
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from mldebtlint.config import Settings
from mldebtlint.data_formats import is_url
from mldebtlint.detectors import DETECTORS, PROJECT_DETECTORS, checked_params
from mldebtlint.discovery import _Ignores
from mldebtlint.ftypes import (
    ConfigUsage,
    DataAccess,
    FileResult,
    Finding,
    HyperparameterSetting,
    PlacedFact,
    Position,
    Rule,
)
from mldebtlint.line_hash import with_line_hashes
from mldebtlint.manifest import DataManifest, load_manifest
from mldebtlint.selection import RuleSelection, fingerprint, source_key
from mldebtlint.suppressions import next_code_lines, parse_suppressions, suppressed_by


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


class ProjectFacts:
    """What the project detectors see: every data access of every file, and the manifest.

    The manifest is read on first use: finding it walks the whole project, which a run whose
    files read no data (most pre-commit runs) never needs."""

    def __init__(
        self,
        sites: tuple[DataSite, ...],
        manifest: Callable[[], DataManifest] | DataManifest,
        root: Path | None = None,
        hyperparameters: tuple[tuple[str, HyperparameterSetting], ...] = (),
        config: tuple[tuple[str, ConfigUsage], ...] = (),
        checked: frozenset[str] = frozenset(),
    ) -> None:
        self.sites = sites
        self._manifest = manifest
        self.root = root  # where dependency declarations (requirements, pyproject) are read
        self.hyperparameters = hyperparameters  # (file, setting), in path order
        self.config = config  # (file, MLD503's facts), in path order
        self.checked = checked  # every checked path, as findings name them

    @property
    def manifest(self) -> DataManifest:
        if callable(self._manifest):
            self._manifest = self._manifest()
        return self._manifest

    def reads(self) -> Iterable[DataSite]:
        return (s for s in self.sites if s.access.kind == "read")

    def writes(self) -> Iterable[DataSite]:
        return (s for s in self.sites if s.access.kind == "write")


def declaration_site(file: str, line: int, column: int, width: int, text: str) -> DataSite:
    """A site in a file that is not Python (a requirements file, a pyproject): a line and column."""
    start = Position(line, column)
    access = DataAccess(
        kind="declare",
        api="",
        path=file,
        prefix="",
        expression=text,
        format="unknown",
        store="file",
        function="<module>",
        trains=False,
        predicts=False,
        script_trains=False,
        script_predicts=False,
        key=" ".join(text.split()),
        start=start,
        end=Position(line, column + width),
        statement_line=line,
    )
    return DataSite(file, access)


def fact_site(file: str, fact: PlacedFact) -> DataSite:
    """The site of a per-file fact (a hyper-parameter literal, a config setting), with its
    notebook cell positions."""
    site = declaration_site(file, fact.start.line, fact.start.column, 0, fact.key)
    placement = {f.name: getattr(fact, f.name) for f in dataclasses.fields(PlacedFact)}
    return DataSite(file, dataclasses.replace(site.access, **placement))


@dataclass(frozen=True)
class ProjectFinding:
    """A project detector's finding, at a data site."""

    code: str
    message: str
    site: DataSite


def collect_facts(results: list[FileResult], settings: Settings) -> ProjectFacts:
    """Join the per-file facts (in path order) with the manifest read from the project root."""
    sites = tuple(DataSite(r.path, a) for r in sorted(results, key=lambda r: r.path) for a in r.data_accesses)

    def manifest() -> DataManifest:
        ignores = _Ignores(settings)
        return load_manifest(settings.root, settings.data_dependencies, lambda d: ignores.excluded(d, is_dir=True))

    ordered = sorted(results, key=lambda r: r.path)
    settings_found = tuple((r.path, h) for r in ordered for h in r.hyperparameters)
    config = tuple((r.path, r.config) for r in ordered if r.config is not None)
    checked = frozenset(r.path for r in results)
    return ProjectFacts(sites, manifest, settings.root, settings_found, config, checked)


class ProjectDetector:
    """A check bound to one rule that runs once per run, over the facts of every file.

    Deterministic and cheap: it reads facts and manifests, never source files, and is never
    cached. `check` yields findings at data sites; the project pass adds severity, fingerprint
    and suppressions.
    """

    PARAMS: ClassVar[dict[str, Any]] = {}

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        self.rule = rule
        self.params = checked_params(rule, self.PARAMS, params)

    def check(self, facts: ProjectFacts) -> Iterable[ProjectFinding]:
        """The findings of this rule over the whole project."""
        raise NotImplementedError


def project_codes(settings: Settings) -> frozenset[str]:
    """The enabled rules that the project pass checks."""
    rules = settings.catalog.rules
    return frozenset(
        code for code in settings.enabled if any(b.detector in PROJECT_DETECTORS for b in rules[code].bindings)
    )


def project_detectors(settings: Settings) -> list[ProjectDetector]:
    """The enabled project detectors, with their rule's options (imports no libcst)."""
    from mldebtlint.detectors import detector_class

    detectors = []
    for code in sorted(project_codes(settings)):
        rule = settings.catalog.rules[code]
        options = {**rule.options, **settings.rule_options.get(code, {})}
        for binding in rule.bindings:
            if binding.detector not in PROJECT_DETECTORS:
                continue
            cls = detector_class(binding.detector)
            assert cls is not None and issubclass(cls, ProjectDetector), DETECTORS[binding.detector]
            params = {**binding.params, **{k: v for k, v in options.items() if k in cls.PARAMS}}
            detectors.append(cls(rule, params))
    return detectors


def run_project_pass(
    settings: Settings, results: list[FileResult], stored: dict[str, bytes] | None = None
) -> list[FileResult]:
    """Project findings (and project-rule suppression diagnostics), one result per file.
    `stored` holds the bytes of files checked from somewhere other than disk (stdin, editors):
    GitHub's line hashes are taken from them."""
    detectors = project_detectors(settings)
    if not detectors:
        return []
    facts = collect_facts(results, settings)
    by_file: dict[str, list[ProjectFinding]] = {}
    for detector in detectors:
        for found in detector.check(facts):
            by_file.setdefault(found.site.file, []).append(found)
    selection = RuleSelection(settings, frozenset(d.rule.code for d in detectors))
    extra = []
    checked = {r.path for r in results}
    stored = dict(stored or {})
    # files that are not Python (requirements, pyproject, config YAML) have no per-file result
    declared = [_declaration_file(settings.root, path, stored) for path in by_file if path not in checked]
    for result in sorted([*results, *declared], key=lambda r: r.path):
        found_here = by_file.get(result.path, [])
        if not found_here and not result.suppressions:
            continue
        extra.append(_with_line_hashes(settings.root, _file_findings(selection, result, found_here), stored))
    return extra


def _declaration_file(root: Path, path: str, stored: dict[str, bytes]) -> FileResult:
    """A file that is not Python, with its `#` suppression comments (requirements files, YAML,
    TOML and setup.cfg have such comments; JSON has none). Its bytes go into `stored`, so that
    its line hashes are taken without reading it again."""
    result = FileResult(path)
    try:
        data = stored[path] = (root / path).read_bytes()
    except OSError:
        return result
    if path.endswith(".json"):
        return result
    text = data.decode("utf-8", "replace")
    result.suppressions = parse_suppressions(text)
    targets = next_code_lines(text, [s.line for s in result.suppressions if s.kind == "next"])
    result.suppression_targets = sorted(targets.items())
    return result


def _with_line_hashes(root: Path, result: FileResult, stored: dict[str, bytes]) -> FileResult:
    """GitHub's line hashes for project findings, from the file as stored (if it can be read)."""
    if not result.findings:
        return result
    try:
        data = stored[result.path] if result.path in stored else (root / result.path).read_bytes()
    except OSError:
        return result
    return with_line_hashes(result, data.decode("utf-8", "replace"))


def _file_findings(selection: RuleSelection, result: FileResult, found: list[ProjectFinding]) -> FileResult:
    enabled = selection._enabled_for(result.path)
    out = FileResult(result.path)
    seen: Counter[tuple[str, str]] = Counter()
    located: list[tuple[Finding, int]] = []
    cells: dict[Finding, DataAccess] = {}

    def _in_cell(finding: Finding) -> Finding:
        access = cells[finding]
        if access.cell_start is None or access.cell_end is None:
            return finding
        return dataclasses.replace(finding, start=access.cell_start, end=access.cell_end)

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
            severity=selection._severity(item.code),
            cell=access.cell,
            raw_start=access.raw_start,
            raw_end=access.raw_end,
            fingerprint=fingerprint(item.code, result.path, access.key, seen[(item.code, access.key)]),
            source_key=source_key(access.key),
        )
        located.append((finding, access.statement_line))
        cells[finding] = access
    used: dict[int, set[str]] = {}
    for index, code in result.suppressions_used:
        used.setdefault(index, set()).add(code)
    for finding, statement_line in located:
        # suppressions match the checked code's lines; a notebook's finding is then shown in its cell
        by = suppressed_by(finding, statement_line, result.suppressions, dict(result.suppression_targets))
        shown = _in_cell(finding)
        if by is None:
            out.findings.append(shown)
        else:
            index, matched = by
            used.setdefault(index, set()).add(matched)
            out.suppressed.append((shown, result.suppressions[index]))
    for index, suppression in enumerate(result.suppressions):
        selection._check_suppression(suppression, used.get(index, set()), out, enabled, project_pass=True)
    return out
