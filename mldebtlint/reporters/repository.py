"""Where a finding stands in the repository as GitHub sees it: the path from the repository
root, and lines of the file as stored (for a notebook, the raw .ipynb JSON, not the cell)."""

from __future__ import annotations

from dataclasses import dataclass

from mldebtlint.ftypes import Finding, Position, Report


@dataclass(frozen=True)
class StoredSpan:
    """A range in the stored file; `end` is None when only the start is known or it is empty."""

    path: str  # POSIX, from the repository root (absolute when the file lies outside it)
    start: Position
    end: Position | None


def stored_span(finding: Finding, report: Report) -> StoredSpan:
    """The finding's range in the file as stored in the repository."""
    path = finding.path if finding.path.startswith("/") else report.repository_prefix + finding.path
    if finding.raw_start is not None:
        # a notebook: the raw JSON lines holding the flagged source
        end = finding.raw_end if finding.raw_end not in (None, finding.raw_start) else None
        return StoredSpan(path, finding.raw_start, end)
    end = None if finding.end == finding.start else finding.end
    return StoredSpan(path, finding.start, end)


def message_in_context(finding: Finding) -> str:
    """The message, naming the notebook cell when lines point into raw .ipynb JSON."""
    if finding.cell is None:
        return finding.message
    return f"{finding.message} (cell {finding.cell}, line {finding.start.line})"
