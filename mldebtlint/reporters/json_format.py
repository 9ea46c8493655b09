"""Machine-readable output: a versioned envelope with Ruff-style result keys."""

from __future__ import annotations

import json
from typing import Any

from mldebtlint import __version__
from mldebtlint.ftypes import Finding, Report, Suppression
from mldebtlint.reporters.summary import by_section
from mldebtlint.taxonomy import section_for_code

SCHEMA_VERSION = 1


def _location(finding: Finding) -> dict[str, Any]:
    return {
        "location": {"row": finding.start.line, "column": finding.start.column},
        "end_location": {"row": finding.end.line, "column": finding.end.column},
    }


def result(finding: Finding, report: Report) -> dict[str, Any]:
    rule = report.rules.get(finding.code)
    section = section_for_code(finding.code)
    return {
        "code": finding.code,
        "name": rule.name if rule else None,
        "message": finding.message,
        "severity": finding.severity.label,
        "section": section.slug if section else None,
        "filename": finding.path,
        **_location(finding),
        "cell": finding.cell,
        "fix": None,
        "url": rule.url if rule else None,
        "fingerprint": finding.fingerprint,
    }


def _suppressed(finding: Finding, suppression: Suppression) -> dict[str, Any]:
    return {
        "code": finding.code,
        "filename": finding.path,
        **_location(finding),
        "cell": finding.cell,
        "fingerprint": finding.fingerprint,
        "suppression": {"kind": suppression.kind, "line": suppression.line, "reason": suppression.reason},
    }


def _baseline(report: Report) -> dict[str, Any]:
    outcome = report.baseline
    if outcome is None:
        return {}
    entries = [{"code": e.code, "filename": e.path, "count": e.count, "message": e.message} for e in outcome.paid_off]
    return {
        "baseline": {
            "file": outcome.ledger,
            "accepted": outcome.accepted,
            "paid_off": outcome.paid_off_count,
            "paid_off_entries": entries,
        }
    }


def document(report: Report) -> dict[str, Any]:
    sections = {}
    for section, severities, codes in by_section(report.findings):
        sections[section.slug] = {
            "paper": section.paper,
            "title": section.title,
            "total": sum(severities.values()),
            "by_severity": {s.label: n for s, n in sorted(severities.items(), reverse=True)},
            "by_code": dict(sorted(codes.items())),
        }
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "mldebtlint", "version": __version__},
        "summary": {
            "files_checked": report.files_checked,
            "lines_checked": report.lines_checked,
            "findings": len(report.findings),
            "suppressed": len(report.suppressed),
            "by_section": sections,
            **_baseline(report),
        },
        "results": [result(f, report) for f in report.findings],
        "suppressed": [_suppressed(f, s) for f, s in report.suppressed],
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
