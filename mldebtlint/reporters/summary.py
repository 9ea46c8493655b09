"""Counts by paper section and severity, shared by every format that summarises."""

from __future__ import annotations

from collections import Counter

from mldebtlint.ftypes import Finding, Severity
from mldebtlint.taxonomy import SECTIONS, Section, section_for_code


def by_section(findings: list[Finding]) -> list[tuple[Section, Counter[Severity], Counter[str]]]:
    """For each section with findings, in paper order: counts by severity and by code."""
    rows = []
    for section in SECTIONS:
        mine = [f for f in findings if section_for_code(f.code) == section]
        if mine:
            rows.append((section, Counter(f.severity for f in mine), Counter(f.code for f in mine)))
    return rows


def severity_phrase(counts: Counter[Severity]) -> str:
    parts = []
    for severity in sorted(counts, reverse=True):
        n = counts[severity]
        parts.append(f"{n} {severity.label}{'s' if n != 1 and severity != Severity.INFO else ''}")
    return ", ".join(parts)
