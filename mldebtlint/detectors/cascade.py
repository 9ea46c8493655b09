"""Correction cascades: one model trained on another model's predictions (§2)."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import dotted_name
from mldebtlint.detectors.dataflow import DataFlowDetector, Verdict, fit_data
from mldebtlint.ftypes import Rule


class CorrectionCascade(DataFlowDetector):
    """A `fit` whose features or target derive from another model's `predict`-like output.

    The data arguments of `R.fit(X, y)` are traced back (see `dataflow`) through assignments,
    unpacking, column writes (`df["p"] = m.predict(X)`), stacking (`np.column_stack`,
    `pd.concat`) and arithmetic (`y - m.predict(X)`). Reported when they reach `Q.predict(...)`
    (or `predict_proba`, `decision_function`, ..., or `cross_val_predict`) of a model `Q` other
    than `R`: a model refitted on its own predictions (self-training) is not a cascade, and
    explicit ensembles (`StackingClassifier`, `VotingClassifier`) never show this flow.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "fit-methods": ["fit", "partial_fit"],
        "output-methods": ["predict", "predict_proba", "predict_log_proba", "decision_function"],
        "output-functions": ["sklearn.model_selection.cross_val_predict"],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.fit_methods = frozenset(self.params["fit-methods"])
        self.output_methods = frozenset(self.params["output-methods"])
        self.output_functions = frozenset(self.params["output-functions"])

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is not cst.Attribute or func.attr.value not in self.fit_methods:
            return
        trained = dotted_name(func.value)
        features, target = fit_data(node)
        roles = [("features", features), ("target", target)]

        def from_other_model(expr: cst.BaseExpression, before: int | None) -> Verdict:
            if type(expr) is not cst.Call:
                return Verdict.FOLLOW
            callee = expr.func
            if type(callee) is cst.Attribute and callee.attr.value in self.output_methods:
                source = dotted_name(callee.value)
                if trained is not None and source == trained:
                    return Verdict.STOP  # the same model refitted on its own output (self-training)
                return Verdict.FOUND
            if self.ctx.qualified_name(callee, before) in self.output_functions:
                return Verdict.FOUND
            return Verdict.FOLLOW

        for role, data in roles:
            if data is None:
                continue
            origin = self.flow.trace(data, from_other_model)
            if origin is None:
                continue
            self.report(
                node,
                f"`{self.ctx.source(func, 40)}` is trained on another model's output "
                f"`{self.ctx.source(origin, 40)}` as its {role}: a correction cascade ties the two models together",
                first_line_only=True,
            )
            return
