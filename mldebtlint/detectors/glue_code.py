"""Glue code: functions whose work is mostly converting data between library formats."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.detectors.base import Detector
from mldebtlint.ftypes import Rule


@dataclass
class _Body:
    """The statements of one function (or of the module's top level) seen so far."""

    node: cst.CSTNode
    name: str
    statements: int = 0
    converting: set[int] = field(default_factory=set)
    conversions: Counter[str] = field(default_factory=Counter)
    first: cst.CSTNode | None = None  # the first converting statement


class GlueCode(Detector):
    """Counts, per function and for the module's own top level, the statements that convert
    data between library formats (`conversion-functions` matched by qualified name, methods and
    attributes from `conversion-methods` / `conversion-attributes`). Reported when at least
    `min-conversions` statements convert, they are at least `density` of the statements, and
    at least `min-kinds` different conversions are used (one kind repeated is a loop of the
    same call, not glue between packages).
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "density": 0.5,
        "min-conversions": 5,
        "min-kinds": 2,
        "conversion-functions": [],
        "conversion-methods": [],
        "conversion-attributes": [],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.functions = frozenset(self.params["conversion-functions"])
        self.function_last = frozenset(name.rsplit(".", 1)[-1] for name in self.functions)
        self.methods = frozenset(self.params["conversion-methods"])
        self.attributes = frozenset(self.params["conversion-attributes"])

    def begin(self, ctx: Any, reports: Any) -> None:
        super().begin(ctx, reports)
        self.bodies: list[_Body] = [_Body(ctx.module, "the module's top level")]
        self.called: set[int] = set()
        self.in_class = 0

    # -- bodies -----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bodies.append(_Body(node, f"`{node.name.value}`"))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._judge(self.bodies.pop())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.in_class += 1

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.in_class -= 1

    def end(self) -> None:
        self._judge(self.bodies[0])

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(self.bodies) > 1 or not self.in_class:
            self.bodies[-1].statements += 1

    # -- conversions ------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            self.called.add(id(func))
            name = func.attr.value
            if name in self.methods:
                self._conversion(f".{name}()")
                return
        elif not isinstance(func, cst.Name):
            return
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value
        if last in self.function_last:
            qualified = self.ctx.qualified_name(func)
            if qualified in self.functions:
                self._conversion(qualified)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in self.attributes and id(node) not in self.called:
            self._conversion(f".{node.attr.value}")

    def _conversion(self, kind: str) -> None:
        statement = self.ctx.statement
        if not isinstance(statement, cst.SimpleStatementLine):
            return
        body = self.bodies[-1]
        if len(self.bodies) == 1 and self.in_class:
            return
        body.converting.add(id(statement))
        body.first = body.first or statement
        body.conversions[kind] += 1

    def _judge(self, body: _Body) -> None:
        converting = len(body.converting)
        if (
            converting < self.params["min-conversions"]
            or len(body.conversions) < self.params["min-kinds"]
            or converting < self.params["density"] * body.statements
        ):
            return
        found = ", ".join(f"`{k}`" + (f" ({n})" if n > 1 else "") for k, n in body.conversions.most_common())
        is_function = isinstance(body.node, cst.FunctionDef)
        where = body.node.name if isinstance(body.node, cst.FunctionDef) else body.first
        if where is None:
            return
        self.report(
            where,
            f"glue code: {converting} of the {body.statements} statements of {body.name} convert data "
            f"between library formats ({found}); convert once, in one adapter at the boundary",
            anchor=body.node if is_function else where,
            statement=body.node if is_function else where,
            first_line_only=not is_function,
        )
