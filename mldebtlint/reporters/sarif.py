"""SARIF 2.1.0 for GitHub code scanning: one run, a rule descriptor for every rule of the run,
results with repository-relative locations and the fingerprints GitHub tracks alerts by."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from mldebtlint import __version__
from mldebtlint.docs import rule_description, rule_markdown, rule_text
from mldebtlint.ftypes import Finding, LedgerEntry, Report, Rule, Severity
from mldebtlint.reporters.repository import message_in_context, stored_span

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/mldebtlint/mldebtlint"
SOURCE_ROOT = "%SRCROOT%"
MAX_TAGS = 20  # GitHub code scanning reads at most 20 tags per rule
MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's problem.severity scale: error, warning, recommendation
PROBLEM_SEVERITIES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
PRECISIONS = ("very-high", "high", "medium", "low")


def precision_level(rule: Rule) -> str:
    """The rule's precision on GitHub's scale (very-high, high, medium, low). Exact-by-construction
    diagnostics are very-high; a measured rule names its level; anything else is medium."""
    text = rule.precision.lower()
    if text.startswith(("exact", "not applicable")):
        return "very-high"
    return next((level for level in PRECISIONS if text.startswith(level)), "medium")


def _tags(rule: Rule) -> list[str]:
    section = rule.section
    tags = ["ml-technical-debt", section.slug]
    if section.paper != "-":
        tags.append(f"sculley-2015-{section.paper.lstrip('§')}")
    return tags[:MAX_TAGS]


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A SARIF reportingDescriptor built from the rule file, as `explain` prints it."""
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_description(rule)},
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": _tags(rule),
            "precision": precision_level(rule),
            "problem.severity": PROBLEM_SEVERITIES[rule.severity],
        },
    }


def _artifact_location(path: str) -> dict[str, str]:
    if path.startswith("/"):  # a file outside the project: only an absolute URI can name it
        return {"uri": "file://" + quote(path)}
    return {"uri": quote(path), "uriBaseId": SOURCE_ROOT}


def _region(finding: Finding, report: Report) -> tuple[str, dict[str, int]]:
    span = stored_span(finding, report)
    region = {"startLine": span.start.line, "startColumn": span.start.column}
    if span.end is not None:
        region.update(endLine=span.end.line, endColumn=span.end.column)
    return span.path, region


def result(finding: Finding, report: Report, rule_index: dict[str, int]) -> dict[str, Any]:
    """One SARIF result. GitHub ignores `suppressions`, so suppressed findings never get here."""
    path, region = _region(finding, report)
    fingerprints = {"mldebtlint/v1": finding.fingerprint}
    if finding.line_hash is not None:
        fingerprints["primaryLocationLineHash"] = finding.line_hash
    out: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in rule_index:
        out["ruleIndex"] = rule_index[finding.code]
    out.update(
        level=LEVELS[finding.severity],
        message={"text": message_in_context(finding)},
        locations=[{"physicalLocation": {"artifactLocation": _artifact_location(path), "region": region}}],
        partialFingerprints=fingerprints,
    )
    if report.baseline is not None:
        out["baselineState"] = "new"
    return out


def _paid_off(entry: LedgerEntry) -> dict[str, Any]:
    return {"ruleId": entry.code, "uri": entry.path, "count": entry.count, "message": entry.message}


def _kept(findings: list[Finding]) -> list[Finding]:
    """At most MAX_RESULTS findings, the most severe first chosen, in report order."""
    if len(findings) <= MAX_RESULTS:
        return findings
    ranked = sorted(range(len(findings)), key=lambda i: -findings[i].severity)[:MAX_RESULTS]
    return [findings[i] for i in sorted(ranked)]


def _run_properties(report: Report, omitted: int) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "filesChecked": report.files_checked,
        "linesChecked": report.lines_checked,
        "suppressed": len(report.suppressed),
    }
    if omitted:
        properties["omittedResults"] = omitted
    if report.baseline is not None:
        properties["baseline"] = {
            "ledger": report.baseline.ledger,
            "accepted": report.baseline.accepted,
            "paidOff": report.baseline.paid_off_count,
            "paidOffEntries": [_paid_off(e) for e in report.baseline.paid_off],
        }
    return properties


def document(report: Report) -> dict[str, Any]:
    """The whole SARIF log as a JSON-ready dict."""
    rules = list(report.rules.values())
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    kept = _kept(report.findings)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mldebtlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {
                    SOURCE_ROOT: {"description": {"text": "The root of the repository that was checked."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": [result(f, report, rule_index) for f in kept],
                "properties": _run_properties(report, len(report.findings) - len(kept)),
            }
        ],
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
