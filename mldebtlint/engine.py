"""Checking one file: read, decode, parse once, one traversal for every detector, then
positions, fingerprints, suppressions. Never raises on user input: problems become findings."""

from __future__ import annotations

import ast
import hashlib
import re
import stat
import sys
import warnings
from collections import Counter

import libcst as cst

from mldebtlint.catalog import CatalogError
from mldebtlint.config import Settings
from mldebtlint.context import FileContext
from mldebtlint.detectors import detector_class
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.discovery import Candidate, _spec
from mldebtlint.ftypes import FileResult, Finding, Position, Severity, Suppression
from mldebtlint.positions import locate
from mldebtlint.sources import SourceError, decode_python, too_deep_to_parse
from mldebtlint.suppressions import is_code_like, parse_suppressions
from mldebtlint.traversal import Dispatch, walk

_PARSER_PREFIX_RE = re.compile(r"^(parser error: )?(error at \d+:\d+: )?")
SYNTAX_ERROR = "MLD001"
UNREADABLE = "MLD002"
UNDECODABLE = "MLD003"
UNUSED_SUPPRESSION = "MLD005"
UNKNOWN_SUPPRESSION = "MLD006"
INTERNAL_ERROR = "MLD009"
TOO_DEEP_TO_ANALYSE = "cannot analyse: code nests too deeply"
# diagnostics about the input itself are shown whatever `select` says; `ignore` still hides them
INPUT_DIAGNOSTICS = frozenset({SYNTAX_ERROR, UNREADABLE, UNDECODABLE, "MLD004", INTERNAL_ERROR})


def fingerprint(code: str, path: str, key: str, occurrence: int) -> str:
    """Stable across line shifts: the rule, the file and the normalised source of the node."""
    digest = hashlib.sha256(f"{code}\0{path}\0{key}\0{occurrence}".encode()).hexdigest()
    return digest[:16]


def normalized_source(module: cst.Module, node: cst.CSTNode) -> str:
    """The node's code without comments, blank lines or layout: what a reformat keeps."""
    code = module.code_for_node(node)
    lines = (line.split("#", 1)[0] if line.lstrip().startswith("#") else line for line in code.splitlines())
    return " ".join(" ".join(lines).split())


class Engine:
    """The enabled detectors of one run, ready to check file after file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        catalog = settings.catalog
        self.rules = catalog.rules
        self.detectors: list[Detector] = []
        for code in sorted(settings.enabled):
            rule = catalog.rules[code]
            options = {**rule.options, **settings.rule_options.get(code, {})}
            for binding in rule.bindings:
                cls = detector_class(binding.detector)
                if cls is None:
                    continue
                params = {**binding.params, **{k: v for k, v in options.items() if k in cls.PARAMS}}
                try:
                    self.detectors.append(cls(rule, params))
                except ValueError as exc:
                    raise CatalogError(str(exc)) from None
        self.dispatch = Dispatch(self.detectors)

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
        try:
            source = decode_python(data)
        except SourceError as exc:
            self._diagnostic(result, enabled, exc.code, exc.message, exc.line, exc.column)
            return result
        return self.check_text(candidate, source.text, enabled, result)

    def check_text(
        self, candidate: Candidate, text: str, enabled: frozenset[str] | None = None, result: FileResult | None = None
    ) -> FileResult:
        """Check source text that stands for `candidate` (stdin, examples, notebooks)."""
        if enabled is None:
            enabled = self._enabled_for(candidate.relpath)
        if result is None:
            result = FileResult(candidate.relpath)
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
        reports = self._run_detectors(module, result, enabled)
        try:
            findings = self._to_findings(module, text, candidate.relpath, reports)
        except RecursionError:  # positions and fingerprints regenerate code, which recurses deeper than the walk
            self._diagnostic(result, enabled, SYNTAX_ERROR, TOO_DEEP_TO_ANALYSE)
            return result
        self._apply_suppressions(text, findings, result, enabled)
        return result

    def _enabled_for(self, relpath: str) -> frozenset[str]:
        enabled = self.settings.enabled | (INPUT_DIAGNOSTICS - self._explicitly_ignored())
        for pattern, codes in self.settings.per_file_ignores:
            if _spec((pattern,)).match_file(relpath):
                enabled = enabled - codes
        return frozenset(enabled)

    def _explicitly_ignored(self) -> frozenset[str]:
        # input diagnostics stay on under a narrow `select`, but `ignore` can still turn them off
        return frozenset(c for c in INPUT_DIAGNOSTICS if c in self.rules and c not in self.settings.enabled)

    def _run_detectors(self, module: cst.Module, result: FileResult, enabled: frozenset[str]) -> list[PendingReport]:
        ctx = FileContext(module)
        reports: list[PendingReport] = []
        for detector in self.detectors:
            detector.begin(ctx, reports)
        try:
            walk(module, self.dispatch, ctx)
            for detector in self.detectors:
                detector.end()
        except RecursionError:
            self._diagnostic(result, enabled, SYNTAX_ERROR, TOO_DEEP_TO_ANALYSE)
            return []
        except Exception as exc:  # a detector bug must not stop the scan or hide the file
            self._diagnostic(
                result, enabled, INTERNAL_ERROR, f"internal error while checking this file: {type(exc).__name__}: {exc}"
            )
            return []
        return [r for r in reports if r.code in enabled]

    def _to_findings(
        self, module: cst.Module, text: str, relpath: str, reports: list[PendingReport]
    ) -> list[tuple[Finding, int]]:
        """Findings with positions, paired with the first line of their enclosing statement."""
        if not reports:
            return []
        nodes = {r.node for r in reports} | {r.statement for r in reports if r.statement is not None}
        spans = locate(module, nodes)
        lines = text.splitlines()
        seen: Counter[tuple[str, str]] = Counter()
        located = []
        for report in reports:
            (start_line, start_col), (end_line, end_col) = spans[report.node]
            if report.first_line_only:
                end_line = start_line
                end_col = len(lines[start_line - 1].rstrip()) if start_line <= len(lines) else start_col
            statement_line = spans[report.statement][0][0] if report.statement is not None else start_line
            located.append(
                (report, Position(start_line, start_col + 1), Position(end_line, end_col + 1), statement_line)
            )
        located.sort(key=lambda item: (item[1].line, item[1].column, item[0].code))
        findings = []
        for report, start, end, statement_line in located:
            key = normalized_source(module, report.anchor)
            seen[(report.code, key)] += 1
            finding = Finding(
                code=report.code,
                message=report.message,
                path=relpath,
                start=start,
                end=end,
                severity=self._severity(report.code),
                fingerprint=fingerprint(report.code, relpath, key, seen[(report.code, key)]),
            )
            findings.append((finding, statement_line))
        return findings

    def _severity(self, code: str) -> Severity:
        override = self.settings.severities.get(code)
        if override is not None:
            return override
        rule = self.rules.get(code)
        return rule.severity if rule else Severity.ERROR

    def _diagnostic(
        self, result: FileResult, enabled: frozenset[str], code: str, message: str, line: int = 1, column: int = 1
    ) -> None:
        if code not in enabled:
            return
        result.findings.append(
            Finding(
                code=code,
                message=message,
                path=result.path,
                start=Position(line, column),
                end=Position(line, column),
                severity=self._severity(code),
                fingerprint=fingerprint(code, result.path, message, 1),
            )
        )

    # -- suppressions ---------------------------------------------------------------------
    def _known(self, code: str) -> bool:
        return any(c.startswith(code) for c in self.rules)

    def _apply_suppressions(
        self, text: str, findings: list[tuple[Finding, int]], result: FileResult, enabled: frozenset[str]
    ) -> None:
        suppressions = parse_suppressions(text)
        if not suppressions:
            result.findings.extend(f for f, _ in findings)
            return
        next_line = _next_code_lines(text, [s.line for s in suppressions if s.kind == "next"])
        used: dict[int, set[str]] = {}
        for finding, statement_line in findings:
            by = _suppressed_by(finding, statement_line, suppressions, next_line)
            if by is None:
                result.findings.append(finding)
            else:
                index, matched = by
                used.setdefault(index, set()).add(matched)
                result.suppressed.append((finding, suppressions[index]))
        for index, suppression in enumerate(suppressions):
            self._check_suppression(suppression, used.get(index, set()), result, enabled)

    def _check_suppression(
        self, suppression: Suppression, used: set[str], result: FileResult, enabled: frozenset[str]
    ) -> None:
        for code in suppression.codes:
            if not code.startswith("MLD") or not is_code_like(code):
                continue  # another tool's code (E501, F401): not ours to judge
            if not self._known(code):
                self._diagnostic(
                    result,
                    enabled,
                    UNKNOWN_SUPPRESSION,
                    f"suppression names an unknown rule code {code}",
                    suppression.line,
                    suppression.column,
                )
            elif code not in used and any(c.startswith(code) for c in enabled if c not in INPUT_DIAGNOSTICS):
                where = {"noqa": "on this line", "next": "in the next statement", "file": "in this file"}
                self._diagnostic(
                    result,
                    enabled,
                    UNUSED_SUPPRESSION,
                    f"unused suppression: no {code} finding {where[suppression.kind]}",
                    suppression.line,
                    suppression.column,
                )
        if not suppression.codes and suppression.kind != "noqa" and not used:
            self._diagnostic(
                result,
                enabled,
                UNUSED_SUPPRESSION,
                "unused suppression: it suppresses nothing",
                suppression.line,
                suppression.column,
            )


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


def _covers(codes: tuple[str, ...], code: str) -> str | None:
    if not codes:
        return "*"
    for candidate in codes:
        if code.startswith(candidate):
            return candidate
    return None


def _suppressed_by(
    finding: Finding, statement_line: int, suppressions: list[Suppression], next_line: dict[int, int]
) -> tuple[int, str] | None:
    for index, suppression in enumerate(suppressions):
        if suppression.kind == "noqa":
            applies = suppression.line in (finding.start.line, finding.end.line)
        elif suppression.kind == "next":
            target = next_line.get(suppression.line)
            applies = target is not None and target in (statement_line, finding.start.line)
        else:
            applies = True
        if applies:
            matched = _covers(suppression.codes, finding.code)
            if matched is not None:
                return index, matched
    return None


def _next_code_lines(text: str, lines: list[int]) -> dict[int, int]:
    """For each own-line comment, the next line that holds code."""
    if not lines:
        return {}
    source_lines = text.splitlines()
    result = {}
    for line in lines:
        for number in range(line + 1, len(source_lines) + 1):
            stripped = source_lines[number - 1].strip()
            if stripped and not stripped.startswith("#"):
                result[line] = number
                break
    return result


def recursion_headroom() -> None:
    """Deep but legal code (long operator chains) needs more than Python's default 1,000 frames."""
    if sys.getrecursionlimit() < 10_000:
        sys.setrecursionlimit(10_000)
