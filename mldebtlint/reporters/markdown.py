"""A Markdown summary for `$GITHUB_STEP_SUMMARY`: a table per paper section, with the rules
that fired and the files that carry the most of each."""

from __future__ import annotations

from collections import Counter

from mldebtlint.ftypes import Finding, Report
from mldebtlint.reporters.summary import by_section, severity_phrase
from mldebtlint.taxonomy import section_for_code

WORST_FILES = 3


def _cell(text: str) -> str:
    """Text safe inside a table cell (a `|` would end it)."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code_span(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{_cell(text)}{fence}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _worst_files(findings: list[Finding]) -> str:
    counts = Counter(f.path for f in findings)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{_code_span(path)} ({n})" for path, n in ranked[:WORST_FILES])
    rest = len(ranked) - WORST_FILES
    return shown + (f" and {_plural(rest, 'more file')}" if rest > 0 else "")


def _section_table(report: Report, findings: list[Finding], codes: Counter[str]) -> list[str]:
    rows = ["| rule | findings | severity | worst files |", "|---|---:|---|---|"]
    for code in sorted(codes):
        mine = [f for f in findings if f.code == code]
        rule = report.rules.get(code)
        name = f"[{code}]({rule.url}) {rule.name}" if rule else code
        severities = Counter(f.severity for f in mine)
        rows.append(f"| {_cell(name)} | {len(mine)} | {severity_phrase(severities)} | {_worst_files(mine)} |")
    return rows


def _baseline(report: Report) -> list[str]:
    outcome = report.baseline
    if outcome is None:
        return []
    out = [
        "",
        f"**Baseline** {_code_span(outcome.ledger)}: {_plural(outcome.accepted, 'accepted finding')} not shown; "
        f"{outcome.paid_off_count} paid off.",
    ]
    if outcome.paid_off:
        out += ["", "| paid off | file | count |", "|---|---|---:|"]
        out += [f"| {e.code} | {_code_span(e.path)} | {e.count} |" for e in outcome.paid_off]
    return out


def render(report: Report) -> str:
    files = _plural(report.files_checked, "file")
    out = ["## mldebtlint: ML technical debt", ""]
    if not report.findings:
        out.append(f"No findings in {files}.")
    else:
        severities = Counter(f.severity for f in report.findings)
        out.append(f"**{_plural(len(report.findings), 'finding')}** ({severity_phrase(severities)}) in {files}.")
    for section, section_severities, codes in by_section(report.findings):
        findings = [f for f in report.findings if section_for_code(f.code) == section]
        title = f"{section.paper} {section.title}" if section.paper != "-" else section.title
        out += ["", f"### {title} ({section.prefix}xx): {severity_phrase(section_severities)}", ""]
        out += _section_table(report, findings, codes)
    out += _baseline(report)
    if report.suppressed:
        out += ["", f"{_plural(len(report.suppressed), 'finding')} suppressed in the code."]
    return "\n".join(out) + "\n"
