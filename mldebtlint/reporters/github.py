"""GitHub Actions workflow commands: one annotation per finding, on the repository path."""

from __future__ import annotations

from mldebtlint.ftypes import Finding, Report, Severity
from mldebtlint.reporters.repository import message_in_context, stored_span

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as the Actions runner expects (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as a message, and `:` and `,` too (they delimit properties)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, report: Report) -> str:
    """`::warning file=...,line=...::message`; columns only when the range stays on one line."""
    span = stored_span(finding, report)
    properties = [("file", span.path), ("line", str(span.start.line))]
    if span.end is not None:
        properties.append(("endLine", str(span.end.line)))
    if span.end is None or span.end.line == span.start.line:
        properties.append(("col", str(span.start.column)))
        if span.end is not None:
            properties.append(("endColumn", str(span.end.column)))
    rule = report.rules.get(finding.code)
    properties.append(("title", f"{finding.code} {rule.name}" if rule else finding.code))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(message_in_context(finding))}"


def render(report: Report) -> str:
    lines = [annotation(f, report) for f in report.findings]
    if report.baseline is not None and report.baseline.paid_off:
        n = report.baseline.paid_off_count
        paid = ", ".join(f"{e.code} {e.path} ({e.count})" for e in report.baseline.paid_off)
        message = f"{n} finding{'s' if n != 1 else ''} of the baseline no longer found (paid off): {paid}"
        lines.append(f"::notice title={escape_property('mldebtlint baseline')}::{escape_data(message)}")
    return "".join(line + "\n" for line in lines)
