"""Preprocessing leakage: a scaler, encoder, imputer or selector that learns from test rows (§8)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext, dotted_name
from mldebtlint.detectors.base import PendingReport
from mldebtlint.detectors.dataflow import DataFlow, DataFlowDetector, Verdict
from mldebtlint.detectors.name_globs import name_globs
from mldebtlint.ftypes import Rule

_COLUMN_TRANSFORMERS = frozenset({"sklearn.compose.ColumnTransformer", "sklearn.compose.make_column_transformer"})


class PreprocessingLeakage(DataFlowDetector):
    """A preprocessor that learns statistics (scaler, imputer, selector, PCA, TF-IDF, ...) fitted on
    data that is split afterwards, or fitted on test data.

    Before the split: the data arguments of a splitter (`train_test_split`, `cross_val_score`,
    `KFold(...).split`, ...) are traced back (see `dataflow`); reaching `P.fit_transform(...)`, or
    `P.transform(...)` of a `P` fitted on data that was not itself an output of a split, means
    the preprocessor saw the rows that later become test rows. Fitted on test data:
    `P.fit(X_test)`/`P.fit_transform(X_test)`, where `X_test` is a test output of a splitter or
    its name says so (`test-name-pattern`). A preprocessor inside a `Pipeline` is fitted by the
    pipeline on the training folds only and is never reported.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "preprocessors": [],  # globs of qualified names: the rule file lists them
        "stateless": [],
        # function -> index of its X argument (-1: every positional argument is data)
        "split-functions": {
            "sklearn.model_selection.train_test_split": -1,
            "sklearn.model_selection.cross_val_score": 1,
            "sklearn.model_selection.cross_validate": 1,
            "sklearn.model_selection.cross_val_predict": 1,
            "sklearn.model_selection.learning_curve": 1,
            "sklearn.model_selection.validation_curve": 1,
            "sklearn.model_selection.permutation_test_score": 1,
        },
        "split-objects": ["sklearn.model_selection.*"],
        "test-name-pattern": r"(?i)^(x|df|data|features?)_?(test|tst)$|^test_(x|df|data|features?)$",
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.preprocessors = name_globs(self.params["preprocessors"])
        self.stateless = frozenset(self.params["stateless"])
        self.split_functions: dict[str, int] = dict(self.params["split-functions"])
        self.split_objects = name_globs(self.params["split-objects"])
        self.test_name = re.compile(self.params["test-name-pattern"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.flow = DataFlow(ctx, [k for k, v in self.params["split-functions"].items() if v == -1])
        self.fits: dict[str, list[tuple[cst.Call, cst.BaseExpression]]] = {}
        self.reported: set[int] = set()

    # -- what is a preprocessor ----------------------------------------------------------
    def _preprocessor(self, node: cst.BaseExpression, before: int | None = None) -> str | None:
        """The qualified class of a preprocessor instance (`StandardScaler()` or a name for one)."""
        if isinstance(node, cst.Name):
            node, before = self.ctx.resolve_value(node, before)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "fit":
            node = node.func.value  # `StandardScaler().fit(X)` returns the scaler
            if isinstance(node, cst.Name):
                node, before = self.ctx.resolve_value(node, before)
        if not isinstance(node, cst.Call) or self.preprocessors is None:
            return None
        name = self.ctx.qualified_name(node.func, before)
        if name is None or name in self.stateless or not self.preprocessors.match(name):
            return None
        if name in _COLUMN_TRANSFORMERS and not self._has_stateful_part(node, before):
            return None
        return name

    def _has_stateful_part(self, node: cst.Call, before: int | None) -> bool:
        """A ColumnTransformer learns statistics only if one of its transformers does."""
        parts: list[cst.BaseExpression] = [a.value for a in node.args]
        while parts:
            part = parts.pop()
            if isinstance(part, (cst.List, cst.Tuple)):
                parts.extend(e.value for e in part.elements)
            elif isinstance(part, cst.Call):
                name = self.ctx.qualified_name(part.func, before)
                if name is None or name not in self.stateless:
                    return True
            elif isinstance(part, cst.Name):
                return True  # a transformer built elsewhere: assume it learns
        return False

    # -- fits ---------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is cst.Attribute:
            method = func.attr.value
            if method in ("fit", "fit_transform"):
                self._record_fit(node, func)
            elif method == "split" and self._is_split_object(func.value):
                self._check_split(node, 0)
            return
        if type(func) is cst.Name:
            name = self.ctx.qualified_name(func)
            if name is not None and name in self.split_functions:
                self._check_split(node, self.split_functions[name])

    def _record_fit(self, node: cst.Call, func: cst.Attribute) -> None:
        data = next((a.value for a in node.args if a.keyword is None and not a.star), None)
        if data is None or self._preprocessor(func.value) is None:
            return
        key = dotted_name(func.value)
        if key is not None:
            self.fits.setdefault(key, []).append((node, data))
        if self._part(data) == "test" and id(node) not in self.reported:
            self.reported.add(id(node))
            self.report(
                node,
                f"`{self.ctx.source(func, 40)}` learns from test data `{self.ctx.source(data, 30)}`: "
                "fit preprocessing on the training split only, then transform the test split",
            )

    def _part(self, data: cst.BaseExpression) -> str | None:
        """ "train"/"test" for an output of a splitter or a name that says so, else None."""
        part = self.flow.split_part(data)
        if part is not None:
            return part
        base = data
        while isinstance(base, (cst.Subscript, cst.Attribute)):
            base = base.value
        if not isinstance(base, cst.Name):
            return None
        if self.test_name.search(base.value):
            return "test"
        return "train" if "train" in base.value.lower() else None

    def _is_split_object(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            node = self.ctx.resolve_value(node)[0] or node
        if not isinstance(node, cst.Call) or self.split_objects is None:
            return False
        name = self.ctx.qualified_name(node.func)
        return name is not None and bool(self.split_objects.match(name))

    # -- splits -------------------------------------------------------------------------
    def _check_split(self, node: cst.Call, index: int) -> None:
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if index < 0:
            arrays = positional
        else:
            keyword = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "X"), None)
            arrays = [positional[index]] if len(positional) > index else ([keyword] if keyword is not None else [])
        for data in arrays:
            self._leaked_fit: cst.Call | None = None
            if self.flow.trace(data, self._fitted_before) is None or self._leaked_fit is None:
                continue
            fit = self._leaked_fit
            if id(fit) in self.reported:
                continue
            self.reported.add(id(fit))
            self.report(
                fit,
                f"`{self.ctx.source(fit, 40)}` learns from data that is split afterwards "
                f"(`{self.ctx.source(node.func, 30)}`): the test rows leak into the preprocessing; "
                "fit it on the training split, or inside a Pipeline",
            )

    def _fitted_before(self, node: cst.BaseExpression, before: int | None) -> Verdict:
        if type(node) is not cst.Call or type(node.func) is not cst.Attribute:
            return Verdict.FOLLOW
        method = node.func.attr.value
        receiver = node.func.value
        if method not in ("fit_transform", "transform") or self._preprocessor(receiver, before) is None:
            return Verdict.FOLLOW
        if method == "fit_transform":
            self._leaked_fit = node
            return Verdict.FOUND
        if isinstance(receiver, cst.Call):  # `Scaler().fit(X).transform(X)`
            self._leaked_fit = receiver
            return Verdict.FOUND
        key = dotted_name(receiver)
        for fit, data in reversed(self.fits.get(key or "", [])):
            if self._part(data) is None:
                self._leaked_fit = fit
                return Verdict.FOUND
            return Verdict.FOLLOW
        return Verdict.FOLLOW
