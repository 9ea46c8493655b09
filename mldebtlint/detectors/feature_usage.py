"""Underutilized features: columns created and never read, entries commented out of feature lists (§3)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.dataflow import column_key, string_list
from mldebtlint.ftypes import Rule

_COMMENTED_ENTRY_RE = re.compile(r"""^\s*#\s*(?P<q>["'])(?P<name>[^"'\n]+)(?P=q)\s*,?\s*(?:#.*)?$""", re.MULTILINE)


@dataclass
class _Created:
    """A column created by `frame["name"] = ...`, waiting to be read."""

    frame: str
    column: str
    target: cst.Subscript
    statement: cst.CSTNode | None
    after: int  # frame uses counted before the creation


def _spans_lines(node: cst.List | cst.Tuple) -> bool:
    """A list written over several lines (only those can hold a commented-out entry)."""
    if isinstance(node, cst.List) and isinstance(node.lbracket.whitespace_after, cst.ParenthesizedWhitespace):
        return True
    return any(
        isinstance(e.comma, cst.Comma) and isinstance(e.comma.whitespace_after, cst.ParenthesizedWhitespace)
        for e in node.elements
    )


def _reads_frame(node: cst.CSTNode, frame: str, budget: int = 200) -> bool:
    """Does the expression read a column of `frame` (`frame["a"]`, `frame.a`)?"""
    stack = [node]
    while stack and budget > 0:
        budget -= 1
        current = stack.pop()
        if isinstance(current, (cst.Subscript, cst.Attribute)):
            base = current.value
            if isinstance(base, cst.Name) and base.value == frame:
                return True
        stack.extend(current.children)
    return False


class UnderutilizedFeature(Detector):
    """Two signs of features nobody uses.

    - Commented-out entries in a feature list: a list of string literals assigned to a name that
      looks like a feature list (`feature-list-pattern`) or used to select columns
      (`df[[...]]`), with an entry commented out (`# "legacy_score",`). The list is reported.
    - A column computed from the same frame (`df["ratio"] = df["a"] / df["b"]`) and never read:
      its name appears in no other string literal or attribute of the file, and the frame is
      afterwards only ever indexed (any use of the whole frame, such as `df.to_csv(...)`,
      `model.fit(df)` or `return df`, may read it, and nothing is reported).
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "feature-list-pattern": r"(?i)(feature|feat|column|cols?$|predictor|attributes|inputs)",
        "unused-columns": True,
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.feature_list_name = re.compile(self.params["feature-list-pattern"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.strings: Counter[str] = Counter()
        self.attributes: set[str] = set()
        self.selected: set[int] = set()  # Name nodes that are the frame of a subscript
        self.targets: set[int] = set()  # Name nodes that are assignment targets
        self.whole_uses: dict[str, int] = {}  # frame name (in any scope) -> last use counter
        self.uses = 0
        self.created: list[_Created] = []
        self.checked_lists: set[int] = set()

    # -- commented-out entries ------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.targets.add(id(target.target))
                if self.feature_list_name.search(target.target.value):
                    self._check_list(node.value)
            elif isinstance(target.target, cst.Subscript):
                self._record_creation(target.target, node.value)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name):
            self.selected.add(id(node.value))
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            self._check_list(node.slice[0].slice.value)

    def _check_list(self, node: cst.BaseExpression) -> None:
        if not isinstance(node, (cst.List, cst.Tuple)) or id(node) in self.checked_lists:
            return
        self.checked_lists.add(id(node))
        if not node.elements or string_list(node) is None or not _spans_lines(node):
            return
        code = self.ctx.module.code_for_node(node)
        if "#" not in code:
            return
        entries = [m.group("name") for m in _COMMENTED_ENTRY_RE.finditer(code)]
        if not entries:
            return
        shown = ", ".join(repr(e) for e in entries[:3]) + (", ..." if len(entries) > 3 else "")
        self.report(
            node,
            f"feature list has commented-out entries ({shown}): legacy features left behind; "
            "delete them, or keep the history in version control",
            first_line_only=True,
        )

    # -- columns created and never read --------------------------------------------------
    def _record_creation(self, target: cst.Subscript, value: cst.BaseExpression) -> None:
        if not self.params["unused-columns"] or not isinstance(target.value, cst.Name):
            return
        column = column_key(target)
        if column is None or not _reads_frame(value, target.value.value):
            return  # only a column computed from the same frame is surely a data-frame feature
        self.created.append(_Created(target.value.value, column, target, self.ctx.statement, self.uses))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.strings[node.raw_value] += 1  # without unescaping: column names rarely have escapes

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.attributes.add(node.attr.value)

    def visit_Name(self, node: cst.Name) -> None:
        self.uses += 1
        if id(node) in self.selected or id(node) in self.targets:
            return
        self.whole_uses[node.value] = self.uses

    def end(self) -> None:
        for created in self.created:
            if self.strings[created.column] > 1 or created.column in self.attributes:
                continue
            if self.whole_uses.get(created.frame, -1) > created.after:
                continue
            self.report(
                created.target,
                f"column `{created.column}` is created and never read: an underutilized feature "
                "is maintenance cost with no benefit",
                statement=created.statement,
            )
