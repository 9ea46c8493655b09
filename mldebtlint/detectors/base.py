"""The detector base class: per-file hooks and `visit_<Node>` / `leave_<Node>` handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext
from mldebtlint.detectors import checked_params
from mldebtlint.ftypes import PlacedFact, Rule


@dataclass
class PendingReport:
    """A finding before positions are known: the node, and what to say about it."""

    code: str
    node: cst.CSTNode
    message: str
    anchor: cst.CSTNode  # the node whose source keys the fingerprint
    statement: cst.CSTNode | None  # innermost enclosing statement (for own-line suppressions)
    first_line_only: bool = False
    # findings in comments, which have no node in the walk: an explicit span (1-based lines,
    # 0-based columns, end exclusive), the text that keys the fingerprint, the line suppressions see
    span: tuple[tuple[int, int], tuple[int, int]] | None = None
    key: str | None = None
    statement_line: int | None = None


@dataclass
class PendingFact:
    """A fact before positions are known: the node it is about and the fact itself."""

    node: cst.CSTNode
    fact: PlacedFact
    statement: cst.CSTNode | None


class Detector:
    """A check bound to one rule. Subclasses define `visit_<NodeType>`/`leave_<NodeType>`.

    One instance serves every file of a run: `begin` resets per-file state, `end` runs after
    the traversal (for checks that need the whole file). Detectors never print; they report.
    """

    # option names this detector reads, with their defaults (rule files and config may override)
    PARAMS: ClassVar[dict[str, Any]] = {}

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        self.rule = rule
        self.params = checked_params(rule, self.PARAMS, params)
        self.ctx = FileContext()
        self.reports: list[PendingReport] = []
        self.facts: list[PendingFact] = []  # the engine sets the file's list before `begin`

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        self.ctx = ctx
        self.reports = reports

    def end(self) -> None:
        """Called once the whole file has been walked."""

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        anchor: cst.CSTNode | None = None,
        first_line_only: bool = False,
        statement: cst.CSTNode | None = None,
    ) -> None:
        self.reports.append(
            PendingReport(
                code=self.rule.code,
                node=node,
                message=message,
                anchor=anchor or node,
                statement=statement if statement is not None else self.ctx.statement,
                first_line_only=first_line_only,
            )
        )

    def report_span(
        self,
        start: tuple[int, int],
        end: tuple[int, int],
        message: str,
        *,
        key: str,
        statement_line: int | None = None,
    ) -> None:
        """Report a place in the source text rather than a node (comments): `start` and `end`
        are (1-based line, 0-based column); `key` is the normalised text the fingerprint keys;
        `statement_line` is the line an own-line `# mldebtlint: ignore` before it must cover."""
        self.reports.append(
            PendingReport(
                code=self.rule.code,
                node=self.ctx.module,
                message=message,
                anchor=self.ctx.module,
                statement=None,
                span=(start, end),
                key=key,
                statement_line=statement_line,
            )
        )

    def record(self, node: cst.CSTNode, fact: PlacedFact, *, statement: cst.CSTNode | None = None) -> None:
        """Keep a fact for the project pass; the engine fills in its position."""
        self.facts.append(PendingFact(node, fact, statement if statement is not None else self.ctx.statement))
