"""Human-readable output: one line per finding, then counts per paper section."""

from __future__ import annotations

from collections import Counter

from mldebtlint.ftypes import Finding, Report
from mldebtlint.reporters.summary import by_section, severity_phrase


def location(finding: Finding) -> str:
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.start.line}:{finding.start.column}"


def render(report: Report) -> str:
    lines = [f"{location(f)}: {f.code} [{f.severity.label}] {f.message}" for f in report.findings]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    if not report.findings:
        return f"No findings in {files}." + baseline_line(report)
    n = len(report.findings)
    out = [f"Found {n} finding{'s' if n != 1 else ''} in {files}:"]
    for section, severities, _codes in by_section(report.findings):
        label = f"{section.paper} {section.title}" if section.paper != "-" else section.title
        total = sum(severities.values())
        out.append(f"  {label} ({section.prefix}xx): {total} ({severity_phrase(severities)})")
    return "\n".join(out) + baseline_line(report)


def baseline_line(report: Report) -> str:
    """With `--baseline`: how many findings it accepted and which entries were paid off."""
    outcome = report.baseline
    if outcome is None:
        return ""
    accepted = f"{outcome.accepted} accepted finding{'s' if outcome.accepted != 1 else ''} not shown"
    out = [f"\nBaseline {outcome.ledger}: {accepted}, {outcome.paid_off_count} paid off."]
    out += [f"  paid off: {e.code} {e.path} ({e.count}): {e.message}" for e in outcome.paid_off]
    return "\n".join(out)


def statistics(report: Report) -> str:
    """Ruff-style `--statistics`: count, code, name, most frequent first."""
    counts = Counter(f.code for f in report.findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    lines = [f"{n:>{width}}  {code}  {report.rules[code].name if code in report.rules else ''}" for code, n in rows]
    return "\n".join(lines) + ("\n" if lines else "")
