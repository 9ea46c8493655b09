"""Checking one file: read, decode, parse once, one traversal for every detector, then
positions, fingerprints, suppressions. Never raises on user input: problems become findings."""

from __future__ import annotations

import ast
import dataclasses
import re
import stat
import sys
import warnings
from collections import Counter

import libcst as cst

from mldebtlint.catalog import CatalogError
from mldebtlint.config import Settings
from mldebtlint.context import FileContext
from mldebtlint.detectors import PROJECT_DETECTORS, detector_class
from mldebtlint.detectors.base import Detector, PendingFact, PendingReport
from mldebtlint.detectors.config_usage import ConfigUsageCollector
from mldebtlint.detectors.data_access import DataAccessCollector
from mldebtlint.detectors.hyperparameters import hyperparameter_collector
from mldebtlint.discovery import Candidate
from mldebtlint.ftypes import (
    ConfigSetting,
    DataAccess,
    FileResult,
    Finding,
    HyperparameterSetting,
    PlacedFact,
    Position,
)
from mldebtlint.line_hash import with_line_hashes
from mldebtlint.notebooks import (
    INVALID_NOTEBOOK,
    NON_PYTHON_NOTEBOOK,
    NOTEBOOK_SUFFIX,
    Magic,
    NotebookError,
    read_notebook,
)
from mldebtlint.positions import Span, locate
from mldebtlint.project import project_codes
from mldebtlint.selection import (
    INTERNAL_ERROR,
    SYNTAX_ERROR,
    UNREADABLE,
    RuleSelection,
    fingerprint,
    source_key,
)
from mldebtlint.sources import SourceError, decode_python, too_deep_to_parse
from mldebtlint.suppressions import next_code_lines, parse_suppressions, suppressed_by
from mldebtlint.traversal import Dispatch, walk

_PARSER_PREFIX_RE = re.compile(r"^(parser error: )?(error at \d+:\d+: )?")
TOO_DEEP_TO_ANALYSE = "cannot analyse: code nests too deeply"


def normalized_source(module: cst.Module, node: cst.CSTNode) -> str:
    """The node's code without comments, blank lines or layout: what a reformat keeps."""
    code = module.code_for_node(node)
    lines = (line.split("#", 1)[0] if line.lstrip().startswith("#") else line for line in code.splitlines())
    return " ".join(" ".join(lines).split())


class Engine(RuleSelection):
    """The enabled detectors of one run, ready to check file after file."""

    def __init__(self, settings: Settings, *, collect_facts: bool = False) -> None:
        super().__init__(settings, project_codes(settings))
        catalog = settings.catalog
        self.detectors: list[Detector] = []
        for code in sorted(settings.enabled):
            rule = catalog.rules[code]
            options = {**rule.options, **settings.rule_options.get(code, {})}
            for binding in rule.bindings:
                if binding.detector in PROJECT_DETECTORS:
                    continue  # runs in the project pass, over every file's facts
                cls = detector_class(binding.detector)
                if cls is None:
                    continue
                params = {**binding.params, **{k: v for k, v in options.items() if k in cls.PARAMS}}
                try:
                    self.detectors.append(cls(rule, params))  # type: ignore[arg-type]
                except ValueError as exc:
                    raise CatalogError(str(exc)) from None
        # facts feed the project pass and `deps`; one collector serves every project rule
        if collect_facts or self.project_codes:
            self.detectors.append(DataAccessCollector())
        collector = hyperparameter_collector(settings, self.project_codes)
        if collector is not None:
            self.detectors.append(collector)
        self.dispatch = Dispatch(self.detectors)
        self.config_collectors = [d for d in self.detectors if isinstance(d, ConfigUsageCollector)]

    # -- the per-file pass ----------------------------------------------------------------
    def check(self, candidate: Candidate) -> FileResult:
        enabled = self._enabled_for(candidate.relpath)
        result = FileResult(candidate.relpath)
        if candidate.unreadable is not None:
            self._diagnostic(result, enabled, UNREADABLE, candidate.unreadable)
            return result
        try:
            if not stat.S_ISREG(candidate.path.stat().st_mode):
                # a FIFO or device named *.py would block or never end: never open it
                self._diagnostic(result, enabled, UNREADABLE, "cannot read file: not a regular file")
                return result
            data = candidate.path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self._diagnostic(result, enabled, UNREADABLE, f"cannot read file: {reason}")
            return result
        return self.check_bytes(candidate, data, enabled, result)

    def check_bytes(
        self, candidate: Candidate, data: bytes, enabled: frozenset[str] | None = None, result: FileResult | None = None
    ) -> FileResult:
        """Check the bytes of the file `candidate` names (read from disk, or from stdin)."""
        enabled = self._enabled_for(candidate.relpath) if enabled is None else enabled
        result = FileResult(candidate.relpath) if result is None else result
        if candidate.path.name.endswith(NOTEBOOK_SUFFIX):
            return self.check_notebook(candidate, data, enabled, result)
        try:
            source = decode_python(data)
        except SourceError as exc:
            self._diagnostic(result, enabled, exc.code, exc.message, exc.line, exc.column)
        else:
            self._check_source(candidate, source.text, enabled, result)
        return with_line_hashes(result, data.decode("utf-8", "replace")) if result.findings else result

    def check_notebook(
        self, candidate: Candidate, data: bytes, enabled: frozenset[str] | None = None, result: FileResult | None = None
    ) -> FileResult:
        """Check a notebook's bytes: its code cells as one module, findings placed in their cells."""
        if enabled is None:
            enabled = self._enabled_for(candidate.relpath)
        if result is None:
            result = FileResult(candidate.relpath)
        try:
            notebook = read_notebook(data)
        except NotebookError as exc:
            self._diagnostic(result, enabled, INVALID_NOTEBOOK, exc.message, exc.line, exc.column)
        else:
            if notebook.is_python:
                self._check_source(candidate, notebook.code, enabled, result, notebook.magics)
                notebook.place(result)
                result.data_accesses = [notebook.place_fact(fact) for fact in result.data_accesses]
                result.hyperparameters = [notebook.place_fact(fact) for fact in result.hyperparameters]
                if result.config is not None:
                    result.config.settings = [notebook.place_fact(fact) for fact in result.config.settings]
            else:
                message = f"notebook skipped: its kernel language is {notebook.language}, not Python"
                self._diagnostic(result, enabled, NON_PYTHON_NOTEBOOK, message)
        # GitHub hashes the raw .ipynb lines: placed findings carry them as raw_start
        return with_line_hashes(result, data.decode("utf-8", "replace")) if result.findings else result

    def check_text(
        self, candidate: Candidate, text: str, enabled: frozenset[str] | None = None, result: FileResult | None = None
    ) -> FileResult:
        """Check source text that stands for `candidate` (rule examples, editors)."""
        enabled = self._enabled_for(candidate.relpath) if enabled is None else enabled
        result = FileResult(candidate.relpath) if result is None else result
        return with_line_hashes(self._check_source(candidate, text, enabled, result), text)

    def _check_source(
        self,
        candidate: Candidate,
        text: str,
        enabled: frozenset[str],
        result: FileResult,
        magics: tuple[Magic, ...] = (),
    ) -> FileResult:
        result.lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        refusal = too_deep_to_parse(text)
        if refusal is not None:
            line, message = refusal
            self._diagnostic(result, enabled, SYNTAX_ERROR, message, line)
            return result
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            message, line, column = _describe_syntax_error(text, exc)
            self._diagnostic(result, enabled, SYNTAX_ERROR, message, line, column)
            return result
        except (RecursionError, MemoryError, ValueError, TypeError) as exc:
            self._diagnostic(result, enabled, SYNTAX_ERROR, f"cannot parse: {type(exc).__name__}: {exc}")
            return result
        facts: list[PendingFact] = []
        reports = self._run_detectors(module, result, enabled, text, facts, magics)
        nodes = {r.node for r in reports if r.span is None} | {r.statement for r in reports if r.statement is not None}
        nodes |= {f.node for f in facts} | {f.statement for f in facts if f.statement is not None}
        try:
            spans = locate(module, nodes) if nodes else {}
            findings = self._to_findings(module, text, candidate.relpath, reports, spans)
        except RecursionError:  # positions and fingerprints regenerate code, which recurses deeper than the walk
            self._diagnostic(result, enabled, SYNTAX_ERROR, TOO_DEEP_TO_ANALYSE)
            return result
        located = _located_facts(module, facts, spans)
        result.data_accesses = [f for f in located if isinstance(f, DataAccess)]
        result.hyperparameters = [f for f in located if isinstance(f, HyperparameterSetting)]
        for collector in self.config_collectors:
            if collector.usage is not None:
                result.config = collector.usage
                result.config.settings = [f for f in located if isinstance(f, ConfigSetting)]
        self._apply_suppressions(text, findings, result, enabled)
        return result

    def crashed(self, candidate: Candidate, message: str) -> FileResult:
        """The result for a file whose check failed outside the engine (a worker process died)."""
        result = FileResult(candidate.relpath)
        self._diagnostic(result, self._enabled_for(candidate.relpath), INTERNAL_ERROR, message)
        return result

    def _run_detectors(
        self,
        module: cst.Module,
        result: FileResult,
        enabled: frozenset[str],
        text: str,
        facts: list[PendingFact],
        magics: tuple[Magic, ...] = (),
    ) -> list[PendingReport]:
        ctx = FileContext(module, text, magics)
        reports: list[PendingReport] = []
        for detector in self.detectors:
            detector.facts = facts
            detector.begin(ctx, reports)
        try:
            walk(module, self.dispatch, ctx)
            for detector in self.detectors:
                detector.end()
        except RecursionError:
            self._diagnostic(result, enabled, SYNTAX_ERROR, TOO_DEEP_TO_ANALYSE)
            facts.clear()
            return []
        except Exception as exc:  # a detector bug must not stop the scan or hide the file
            self._diagnostic(
                result, enabled, INTERNAL_ERROR, f"internal error while checking this file: {type(exc).__name__}: {exc}"
            )
            facts.clear()
            return []
        return [r for r in reports if r.code in enabled]

    def _to_findings(
        self, module: cst.Module, text: str, relpath: str, reports: list[PendingReport], spans: dict[cst.CSTNode, Span]
    ) -> list[tuple[Finding, int]]:
        """Findings with positions, paired with the first line of their enclosing statement."""
        if not reports:
            return []
        lines = text.splitlines()
        seen: Counter[tuple[str, str]] = Counter()
        located = []
        for report in reports:
            (start_line, start_col), (end_line, end_col) = report.span or spans[report.node]
            if report.first_line_only:
                end_line = start_line
                end_col = len(lines[start_line - 1].rstrip()) if start_line <= len(lines) else start_col
            statement_line = spans[report.statement][0][0] if report.statement is not None else start_line
            statement_line = report.statement_line or statement_line
            located.append(
                (report, Position(start_line, start_col + 1), Position(end_line, end_col + 1), statement_line)
            )
        located.sort(key=lambda item: (item[1].line, item[1].column, item[0].code))
        findings = []
        for report, start, end, statement_line in located:
            key = report.key if report.key is not None else normalized_source(module, report.anchor)
            seen[(report.code, key)] += 1
            finding = Finding(
                code=report.code,
                message=report.message,
                path=relpath,
                start=start,
                end=end,
                severity=self._severity(report.code),
                fingerprint=fingerprint(report.code, relpath, key, seen[(report.code, key)]),
                source_key=source_key(key),
            )
            findings.append((finding, statement_line))
        return findings

    # -- suppressions ---------------------------------------------------------------------
    def _apply_suppressions(
        self, text: str, findings: list[tuple[Finding, int]], result: FileResult, enabled: frozenset[str]
    ) -> None:
        suppressions = parse_suppressions(text)
        if not suppressions:
            result.findings.extend(f for f, _ in findings)
            return
        next_line = next_code_lines(text, [s.line for s in suppressions if s.kind == "next"])
        result.suppressions = suppressions
        result.suppression_targets = sorted(next_line.items())
        used: dict[int, set[str]] = {}
        for finding, statement_line in findings:
            by = suppressed_by(finding, statement_line, suppressions, next_line)
            if by is None:
                result.findings.append(finding)
            else:
                index, matched = by
                used.setdefault(index, set()).add(matched)
                result.suppressed.append((finding, suppressions[index]))
        result.suppressions_used = sorted((index, code) for index, codes in used.items() for code in codes)
        for index, suppression in enumerate(suppressions):
            self._check_suppression(suppression, used.get(index, set()), result, enabled)


def _located_facts(module: cst.Module, facts: list[PendingFact], spans: dict[cst.CSTNode, Span]) -> list[PlacedFact]:
    """Facts with their positions and fingerprint keys, in source order."""
    located = []
    for pending in facts:
        (start_line, start_col), (end_line, end_col) = spans[pending.node]
        statement_line = spans[pending.statement][0][0] if pending.statement is not None else start_line
        located.append(
            dataclasses.replace(
                pending.fact,
                key=normalized_source(module, pending.node),
                start=Position(start_line, start_col + 1),
                end=Position(end_line, end_col + 1),
                statement_line=statement_line,
            )
        )
    located.sort(key=lambda fact: (fact.start.line, fact.start.column, getattr(fact, "kind", "")))
    return located


def _describe_syntax_error(text: str, exc: cst.ParserSyntaxError) -> tuple[str, int, int]:
    """CPython's own message and position when it agrees the code is invalid (they are clearer
    than the parser's token list); it only compiles to an AST, nothing runs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its warnings about the user's code are not ours to print
            compile(text, "<checked file>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1
    except (ValueError, RecursionError, MemoryError):
        pass
    message = "syntax error: " + _PARSER_PREFIX_RE.sub("", exc.message)
    if len(message) > 120:
        message = message[:117] + "..."
    return message, exc.raw_line, exc.raw_column + 1


def recursion_headroom() -> None:
    """Deep but legal code (long operator chains) needs more than Python's default 1,000 frames."""
    if sys.getrecursionlimit() < 10_000:
        sys.setrecursionlimit(10_000)
