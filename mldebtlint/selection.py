"""Which rules apply to a file, at what severity, and the verdict on its suppressions: shared by
the per-file pass (the engine) and the project pass, and free of libcst so that a run answered
by the cache never imports it."""

from __future__ import annotations

import hashlib

from mldebtlint.config import Settings
from mldebtlint.discovery import _spec
from mldebtlint.ftypes import FileResult, Finding, Position, Severity, Suppression
from mldebtlint.notebooks import INVALID_NOTEBOOK, NON_PYTHON_NOTEBOOK
from mldebtlint.suppressions import is_code_like

SYNTAX_ERROR = "MLD001"
UNREADABLE = "MLD002"
UNDECODABLE = "MLD003"
UNUSED_SUPPRESSION = "MLD005"
UNKNOWN_SUPPRESSION = "MLD006"
INTERNAL_ERROR = "MLD009"
# diagnostics about the input itself are shown whatever `select` says; `ignore` still hides them
INPUT_DIAGNOSTICS = frozenset(
    {SYNTAX_ERROR, UNREADABLE, UNDECODABLE, INVALID_NOTEBOOK, NON_PYTHON_NOTEBOOK, INTERNAL_ERROR}
)


def fingerprint(code: str, path: str, key: str, occurrence: int) -> str:
    """Stable across line shifts: the rule, the file and the normalised source of the node."""
    digest = hashlib.sha256(f"{code}\0{path}\0{key}\0{occurrence}".encode()).hexdigest()
    return digest[:16]


def source_key(key: str) -> str:
    """The normalised source alone, hashed: what the baseline ledger counts per code and path."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class RuleSelection:
    """The rules of one run as they apply file by file."""

    def __init__(self, settings: Settings, project_codes: frozenset[str] = frozenset()) -> None:
        self.settings = settings
        self.rules = settings.catalog.rules
        self.project_codes = project_codes

    def _enabled_for(self, relpath: str) -> frozenset[str]:
        enabled = self.settings.enabled | (INPUT_DIAGNOSTICS - self._explicitly_ignored())
        for pattern, codes in self.settings.per_file_ignores:
            if _spec((pattern,)).match_file(relpath):
                enabled = enabled - codes
        return frozenset(enabled)

    def _explicitly_ignored(self) -> frozenset[str]:
        # input diagnostics stay on under a narrow `select`, but `ignore` can still turn them off
        return frozenset(c for c in INPUT_DIAGNOSTICS if c in self.rules and c not in self.settings.enabled)

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
                source_key=source_key(message),
            )
        )

    def _known(self, code: str) -> bool:
        return any(c.startswith(code) for c in self.rules)

    def defers_to_project_pass(self, code: str, enabled: frozenset[str]) -> bool:
        """A suppression code covering an enabled project-pass rule is judged after that pass."""
        return any(c.startswith(code) for c in enabled & self.project_codes)

    def _check_suppression(
        self,
        suppression: Suppression,
        used: set[str],
        result: FileResult,
        enabled: frozenset[str],
        project_pass: bool = False,
    ) -> None:
        for code in suppression.codes:
            if not code.startswith("MLD") or not is_code_like(code):
                continue  # another tool's code (E501, F401): not ours to judge
            if self.defers_to_project_pass(code, enabled) != project_pass:
                continue  # the other pass judges it
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
        blanket_deferred = bool(enabled & self.project_codes)
        if not suppression.codes and suppression.kind != "noqa" and not used and blanket_deferred == project_pass:
            self._diagnostic(
                result,
                enabled,
                UNUSED_SUPPRESSION,
                "unused suppression: it suppresses nothing",
                suppression.line,
                suppression.column,
            )
