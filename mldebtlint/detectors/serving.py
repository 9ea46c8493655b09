"""Unmonitored serving: a web handler that returns predictions with no checks around them (§7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext, dotted_name
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.ftypes import Rule

_PLAIN_TYPES = frozenset({"str", "int", "float", "bool", "dict", "list", "bytes", "Any", "Request", "dict[str, Any]"})


def _is_method_attribute(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "method"


@dataclass
class _Handler:
    """What one route handler does, gathered while its body is walked."""

    node: cst.FunctionDef
    route: str
    predictions: list[tuple[cst.Call, cst.CSTNode | None]] = field(default_factory=list)
    validates: bool = False
    logs: bool = False
    bounds: bool = False


class UnmonitoredServing(Detector):
    """A Flask/FastAPI route handler that calls `predict` (or the like) with no input
    validation, no logging and no bound on its output.

    A handler is a function decorated with `@app.route(...)`/`@app.post(...)`/... where `app`
    is a `Flask`, `FastAPI`, `APIRouter` or `Blueprint` (or any name, in a file importing flask
    or fastapi). Validation: a typed request body (a FastAPI parameter annotated with a model
    class), a `raise`, a `try`, `abort(...)`, `isinstance(...)`, or a call whose name says so
    (`validate`, `parse_obj`, `model_validate`, `schema.load`). Logging: `logging`/a logger,
    `print`, `mlflow.log_*`, `wandb.log`. A bound: `np.clip`, `torch.clamp`, `min`/`max`, or an
    `if` on a comparison (other than `request.method`). Request hooks (`before_request`,
    `after_request`, middleware) count for every handler of the file. Any one of these silences
    the finding.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "apps": ["flask.Flask", "flask.Blueprint", "fastapi.FastAPI", "fastapi.APIRouter"],
        "route-decorators": ["route", "get", "post", "put", "patch", "api_route"],
        "predict-methods": ["predict", "predict_proba", "decision_function"],
        "hook-decorators": ["before_request", "after_request", "middleware", "exception_handler"],
        "validation-calls": ["validate", "parse_obj", "parse_raw", "model_validate", "is_valid", "abort"],
        "logging-calls": ["print", "debug", "info", "warning", "error", "exception", "critical", "log", "log_metric"],
        "bound-calls": ["clip", "clamp", "min", "max", "minimum", "maximum"],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.apps = frozenset(self.params["apps"])
        self.frameworks = frozenset(a.split(".")[0] for a in self.apps)
        self.route_decorators = frozenset(self.params["route-decorators"])
        self.predict_methods = frozenset(self.params["predict-methods"])
        self.hook_decorators = frozenset(self.params["hook-decorators"])
        self.validation_calls = frozenset(self.params["validation-calls"])
        self.logging_calls = frozenset(self.params["logging-calls"])
        self.bound_calls = frozenset(self.params["bound-calls"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.web_framework = False
        self.hooked = False
        self.stack: list[_Handler | None] = []
        self.handlers: list[_Handler] = []

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._note_import(dotted_name(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self._note_import(dotted_name(node.module) or "")

    def _note_import(self, module: str) -> None:
        if module.split(".")[0] in self.frameworks:
            self.web_framework = True

    # -- handlers -------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        route = None
        for decorator in node.decorators:
            call = decorator.decorator
            func = call.func if isinstance(call, cst.Call) else call
            if not isinstance(func, cst.Attribute):
                continue
            if func.attr.value in self.hook_decorators:
                self.hooked = True
            if func.attr.value in self.route_decorators and isinstance(call, cst.Call) and self._is_app(func.value):
                route = self.ctx.source(call.args[0].value, 30) if call.args else func.attr.value
        if route is None:
            self.stack.append(self.stack[-1] if self.stack else None)
            return
        handler = _Handler(node, route)
        handler.validates = self._typed_body(node)
        self.stack.append(handler)
        self.handlers.append(handler)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

    def _is_app(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            value, seq = self.ctx.resolve_value(node)
            if isinstance(value, cst.Call):
                return self.ctx.qualified_name(value.func, seq) in self.apps
        return self.web_framework

    def _typed_body(self, node: cst.FunctionDef) -> bool:
        """A FastAPI parameter annotated with a model class: the framework validates it."""
        for param in node.params.params:
            if param.annotation is None:
                continue
            shown = self.ctx.source(param.annotation.annotation)
            if shown not in _PLAIN_TYPES and shown[:1].isupper():
                return True
        return False

    # -- what the handler does ------------------------------------------------------------
    def visit_Raise(self, node: cst.Raise) -> None:
        if self.stack and self.stack[-1] is not None:
            self.stack[-1].validates = True

    def visit_Try(self, node: cst.Try) -> None:
        if self.stack and self.stack[-1] is not None:
            self.stack[-1].validates = True  # a request that fails to parse gets an error

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        handler = self.stack[-1] if self.stack else None
        # `if request.method == "POST":` dispatches; it neither checks nor bounds anything
        dispatch = isinstance(test, cst.Comparison) and _is_method_attribute(test.left)
        if handler is not None and isinstance(test, cst.Comparison) and not dispatch:
            handler.bounds = True

    def visit_Call(self, node: cst.Call) -> None:
        handler = self.stack[-1] if self.stack else None
        if handler is None:
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            name = func.attr.value
        elif isinstance(func, cst.Name):
            name = func.value
        else:
            return
        if isinstance(func, cst.Attribute) and name in self.predict_methods:
            handler.predictions.append((node, self.ctx.statement))
        lowered = name.lower()
        if name in self.validation_calls or "valid" in lowered or name == "isinstance":
            handler.validates = True
        elif name == "load" and isinstance(func, cst.Attribute) and "schema" in self.ctx.source(func.value).lower():
            handler.validates = True  # marshmallow: `schema.load(payload)`
        if name in self.logging_calls or lowered.startswith("log_"):
            handler.logs = True
        if name in self.bound_calls:
            handler.bounds = True

    def end(self) -> None:
        if self.hooked:
            return
        for handler in self.handlers:
            if not handler.predictions or handler.validates or handler.logs or handler.bounds:
                continue
            call, statement = handler.predictions[0]
            self.report(
                call,
                f"handler `{handler.node.name.value}` ({handler.route}) serves `{self.ctx.source(call.func, 40)}` "
                "with no input validation, no logging of predictions and no bound on the output",
                statement=statement,
            )
