"""Fixed thresholds applied to model output: hand-set cut-offs that go stale (§7)."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.literals import number_value
from mldebtlint.ftypes import Rule

_ORDERING = (cst.GreaterThan, cst.GreaterThanEqual, cst.LessThan, cst.LessThanEqual)
# methods and functions that keep "this is the model's score" while reshaping or moving it
_PASS_THROUGH_METHODS = frozenset(
    {
        "squeeze",
        "unsqueeze",
        "flatten",
        "ravel",
        "detach",
        "cpu",
        "cuda",
        "numpy",
        "item",
        "reshape",
        "view",
        "max",
        "min",
        "amax",
        "astype",
        "float",
        "double",
        "to",
        "clone",
        "values",
        "to_numpy",
    }
)
_PASS_THROUGH_FUNCTIONS = frozenset(
    {
        "numpy.asarray",
        "numpy.array",
        "numpy.squeeze",
        "numpy.ravel",
        "numpy.max",
        "numpy.amax",
        "numpy.min",
        "numpy.concatenate",
        "numpy.vstack",
        "numpy.hstack",
        "torch.cat",
        "torch.stack",
        "torch.squeeze",
    }
)
_MAX_DEPTH = 8


class FixedThreshold(Detector):
    """A numeric literal compared (<, <=, >, >=) with a value that flows from model output.

    Model output is the result of `predict_proba`/`decision_function`/... methods, of sigmoid
    and softmax functions or methods, or a `.logits` attribute, followed through simple
    assignments, subscripts (`proba[:, 1]`) and shape-only methods (`.squeeze()`, `.numpy()`).
    The literal may be written in place or assigned to a name once. Values listed in
    `ignore-values` (the natural boundaries 0.5 and 0 by default) are not reported.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "ignore-values": [0.5, 0],
        "output-methods": ["predict_proba", "predict_log_proba", "decision_function", "predict", "score_samples"],
        "squash-functions": [],
        "squash-methods": ["sigmoid", "softmax"],
        "output-attributes": ["logits"],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.ignored = [float(v) for v in self.params["ignore-values"]]
        self.output_methods = frozenset(self.params["output-methods"])
        self.squash_functions = frozenset(self.params["squash-functions"])
        self.squash_methods = frozenset(self.params["squash-methods"])
        self.output_attributes = frozenset(self.params["output-attributes"])

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, _ORDERING):
                self._check_pair(node, left, right) or self._check_pair(node, right, left)
            left = right

    def _check_pair(self, node: cst.Comparison, scored: cst.BaseExpression, bound: cst.BaseExpression) -> bool:
        literal = self._threshold(bound)
        if literal is None:
            return False
        value, spelled = literal
        if any(abs(value - ignored) < 1e-12 for ignored in self.ignored):
            return False
        origin = self._model_output(scored, None, 0)
        if origin is None:
            return False
        self.report(
            node,
            f"fixed threshold {spelled} on model output `{self.ctx.source(scored, 40)}` (from {origin}): "
            "a hand-set cut-off goes stale when the model or the data changes",
        )
        return True

    def _threshold(self, node: cst.BaseExpression) -> tuple[float, str] | None:
        value = number_value(node)
        if value is not None:
            return value, self.ctx.source(node)
        if isinstance(node, cst.Name):
            assigned, _ = self.ctx.resolve_value(node)
            value = number_value(assigned)
            if value is not None and assigned is not None:
                return value, f"{node.value} = {self.ctx.source(assigned)}"
        return None

    def _model_output(self, node: cst.BaseExpression | None, before: int | None, depth: int) -> str | None:
        """What model output `node` carries (e.g. "predict_proba"), or None."""
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Name):
            value, seq = self.ctx.resolve_value(node, before)
            return self._model_output(value, seq, depth + 1)
        if isinstance(node, cst.Subscript):
            return self._model_output(node.value, before, depth + 1)
        if isinstance(node, cst.Attribute):
            if node.attr.value in self.output_attributes:
                return f"`.{node.attr.value}`"
            if node.attr.value in _PASS_THROUGH_METHODS:
                return self._model_output(node.value, before, depth + 1)
            return None
        if not isinstance(node, cst.Call):
            return None
        func = node.func
        qualified = self.ctx.qualified_name(func, before)
        if qualified is not None:  # a function of an imported module, e.g. `torch.sigmoid`
            if qualified in self.squash_functions or qualified.rsplit(".", 1)[-1] in self.output_methods:
                return f"`{qualified}()`"
            if qualified in _PASS_THROUGH_FUNCTIONS and node.args:
                return self._model_output(node.args[0].value, before, depth + 1)
            return None
        if isinstance(func, cst.Attribute):  # a method of a value, e.g. `clf.predict_proba`
            method = func.attr.value
            if method in self.output_methods or method in self.squash_methods:
                return f"`.{method}()`"
            if method in _PASS_THROUGH_METHODS:
                return self._model_output(func.value, before, depth + 1)
        return None
