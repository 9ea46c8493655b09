"""Implicit feature sets: a model trained on "every column but the target" (§2, CACE)."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext
from mldebtlint.detectors.base import PendingReport
from mldebtlint.detectors.dataflow import DataFlowDetector, Verdict, column_keys, fit_data, string_list
from mldebtlint.detectors.literals import number_value, string_value
from mldebtlint.ftypes import Rule


def _drops_columns(call: cst.Call) -> bool:
    """`df.drop(columns=...)`, `df.drop("y", axis=1)`, `df.drop("y", 1)`: columns, not rows."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is None:
            continue
        if arg.keyword.value == "columns":
            return True
        if arg.keyword.value == "axis":
            return number_value(arg.value) == 1 or string_value(arg.value) == "columns"
    return len(positional) > 1 and number_value(positional[1]) == 1


def _all_but_some(part: cst.BaseSlice) -> bool:
    """`:-1`, `0:-1`, `1:`: every column but the last or first few."""
    if not isinstance(part, cst.Slice) or part.step is not None:
        return False
    lower = number_value(part.lower) if part.lower is not None else 0.0
    upper = number_value(part.upper) if part.upper is not None else None
    if lower is None:
        return False
    if part.upper is None:
        return lower > 0
    return lower == 0 and upper is not None and upper < 0


def _iterates_columns(node: cst.BaseExpression) -> bool:
    """`df.columns`, `list(df.columns)`, `df.columns.tolist()`."""
    while isinstance(node, cst.Call):
        if isinstance(node.func, cst.Attribute):
            node = node.func.value
        elif isinstance(node.func, cst.Name) and node.func.value == "list" and node.args:
            node = node.args[0].value
        else:
            return False
    return isinstance(node, cst.Attribute) and node.attr.value == "columns"


def _excludes_columns(node: cst.ListComp) -> bool:
    """`[c for c in df.columns if c != "y"]` / `if c not in DROPPED`: every column but some
    (a filter on dtype or on a name pattern selects a kind of column, which is not reported)."""
    target = node.for_in.target
    if not isinstance(target, cst.Name) or not node.for_in.ifs or not _iterates_columns(node.for_in.iter):
        return False
    for condition in node.for_in.ifs:
        test = condition.test
        if not (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)):
            return False
        if test.left.value != target.value:
            return False
        if not all(isinstance(c.operator, (cst.NotEqual, cst.NotIn)) for c in test.comparisons):
            return False
    return True


class ImplicitFeatureSet(DataFlowDetector):
    """The features reaching `fit` are "all columns but some": `df.drop(columns=[target])`,
    `df.drop("y", axis=1)`, `df.iloc[:, :-1]`, `df.values[:, 1:]`, `df.loc[:, df.columns != "y"]`,
    `[c for c in df.columns if c != "y"]`, `df.columns.drop("y")`. The features argument of every
    `fit` call is traced back through assignments, splits and subscripts (see `dataflow`); an
    explicit list of columns on the way (`df[FEATURES]`, or a drop from such a selection) means
    the feature set is declared, and nothing is reported. Reported once per selection.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "fit-methods": ["fit", "partial_fit", "fit_transform"],
        "min-explicit-columns": 2,
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.fit_methods = frozenset(self.params["fit-methods"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.reported: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is not cst.Attribute or func.attr.value not in self.fit_methods:
            return
        features, _ = fit_data(node)
        if features is None:
            return
        origin = self.flow.trace(features, self._implicit)
        if origin is None or id(origin) in self.reported:
            return
        self.reported.add(id(origin))
        self.report(
            origin,
            f"`{self.ctx.source(origin, 50)}` selects every column but a few, and reaches "
            f"`{self.ctx.source(func, 30)}`: any new upstream column silently becomes a feature; "
            "list the features explicitly",
        )

    def _names_columns(self, node: cst.BaseExpression, before: int | None) -> bool:
        """A column name or a list of them, spelled out (`"y"`, `["y", "id"]`, `TARGET`)."""
        if isinstance(node, cst.Name):
            node = self.ctx.resolve_value(node, before)[0] or node
        return string_value(node) is not None or bool(string_list(node))

    def _explicit(self, node: cst.BaseExpression, before: int | None) -> Verdict:
        if isinstance(node, cst.Subscript):
            columns = column_keys(node, self.ctx, before)
            if columns is not None and len(columns) >= self.params["min-explicit-columns"]:
                return Verdict.FOUND
        return Verdict.FOLLOW

    def _implicit(self, node: cst.BaseExpression, before: int | None) -> Verdict:
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "drop" and _drops_columns(node):
                if self.flow.trace(func.value, self._explicit, before) is not None:
                    return Verdict.STOP  # dropping from a declared selection
                return Verdict.FOUND
            return Verdict.FOLLOW
        if not isinstance(node, cst.Subscript):
            return Verdict.FOLLOW
        if column_keys(node, self.ctx, before) is not None:
            return Verdict.STOP  # an explicit column list
        parts = [element.slice for element in node.slice]
        base = node.value
        if len(parts) == 2 and isinstance(base, cst.Attribute):
            if base.attr.value in ("iloc", "values") and _all_but_some(parts[1]):
                return Verdict.FOUND
            if base.attr.value == "loc" and isinstance(parts[1], cst.Index):
                selector = parts[1].value
                if isinstance(selector, cst.Comparison) and _iterates_columns(selector.left):
                    return Verdict.FOUND
        if len(parts) == 1 and isinstance(parts[0], cst.Index):
            index = parts[0].value
            if isinstance(index, cst.Name):
                index, _ = self.ctx.resolve_value(index, before)
            if isinstance(index, cst.ListComp) and _excludes_columns(index):
                return Verdict.FOUND
            if (
                isinstance(index, cst.Call)
                and isinstance(index.func, cst.Attribute)
                and index.func.attr.value in ("drop", "difference")
                and _iterates_columns(index.func.value)
                and index.args
                and self._names_columns(index.args[0].value, before)
            ):
                return Verdict.FOUND
        return Verdict.FOLLOW
