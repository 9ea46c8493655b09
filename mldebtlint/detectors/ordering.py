"""Nondeterministic order: file listings and sets whose order changes between runs (§8)."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext, dotted_name
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.literals import truth_value
from mldebtlint.ftypes import Rule

# builtins whose result does not depend on the order of their argument
_ORDER_FREE = frozenset({"sorted", "set", "frozenset", "len", "sum", "any", "all", "max", "min", "Counter"})
_BUILDERS = frozenset({"append", "extend", "insert"})


class NondeterministicOrder(Detector):
    """Results whose order depends on the file system or on string hashing, and nondeterministic
    GPU kernels.

    - a directory listing (`os.listdir`, `glob.glob`, `os.scandir`, `Path.glob`/`rglob`/
      `iterdir`) used in order: assigned and never sorted, iterated by a loop that appends, or
      put in a comprehension; inside `sorted()`, `set()`, `len()` and the like, or in a test, it
      is not reported;
    - a list built from a set (`list(set(cols))`, `[c for c in set(a) - set(b)]`) and then used
      to select columns (`df[features]`): string hashing changes the order from run to run;
    - `torch.backends.cudnn.benchmark = True` (option `benchmark-flags`).
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "listing-functions": [],
        "listing-methods": [],
        "benchmark-flags": [],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.listing_functions = frozenset(self.params["listing-functions"])
        self.listing_methods = frozenset(self.params["listing-methods"])
        self.benchmark_flags = frozenset(self.params["benchmark-flags"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.order_free: list[cst.Call | cst.SetComp] = []
        self.tests = 0
        self.truth_tested: set[int] = set()
        self.loops: list[cst.For] = []
        # listings and set-built lists assigned to a name: reported at the end unless sorted
        self.assigned_listings: list[tuple[str, cst.Call, str, cst.CSTNode | None]] = []
        self.set_lists: list[tuple[str, cst.Call | cst.ListComp, cst.CSTNode | None]] = []
        self.sorted_names: set[str] = set()
        self.column_indexes: set[str] = set()

    # -- cudnn.benchmark ------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = self.ctx.qualified_name(target.target)
            if name in self.benchmark_flags and truth_value(node.value) is True:
                self.report(
                    node,
                    f"`{self.ctx.source(target.target)} = True` lets cuDNN pick kernels by timing, "
                    "which can differ from run to run: results are not reproducible",
                )

    # -- contexts where order does not matter ---------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        self._truth_tested(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._truth_tested(node.test)

    def _truth_tested(self, test: cst.BaseExpression) -> None:
        """`if os.listdir(d):` / `if not glob(...)`: only emptiness matters."""
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        if isinstance(test, cst.Call):
            self.truth_tested.add(id(test))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.tests += 1

    def leave_Comparison(self, node: cst.Comparison) -> None:
        self.tests -= 1

    def visit_For(self, node: cst.For) -> None:
        self.loops.append(node)

    def leave_For(self, node: cst.For) -> None:
        self.loops.pop()

    def leave_Call(self, node: cst.Call) -> None:
        if self.order_free and self.order_free[-1] is node:
            self.order_free.pop()

    # -- listings -------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is cst.Name and func.value in _ORDER_FREE and self.ctx.lookup(func.value) is None:
            self.order_free.append(node)
            if func.value == "sorted" and node.args and isinstance(node.args[0].value, cst.Name):
                self.sorted_names.add(node.args[0].value.value)
            return
        if type(func) is cst.Attribute:
            if func.attr.value == "sort" and isinstance(func.value, cst.Name):
                self.sorted_names.add(func.value.value)
                return
            if func.attr.value in self.listing_methods and self.ctx.qualified_name(func) is None:
                self._listing(node, f".{func.attr.value}()")
                return
        if type(func) is cst.Name and func.value == "list" and node.args and self._is_set(node.args[0].value):
            self._set_list(node)
            return
        name = self.ctx.qualified_name(func)
        if name in self.listing_functions:
            self._listing(node, f"{name}()")

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self.order_free.append(node)

    def leave_SetComp(self, node: cst.SetComp) -> None:
        self.order_free.pop()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        if self._is_set(node.for_in.iter):
            self._set_list(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            index = node.slice[0].slice.value
            if isinstance(index, cst.Name):
                self.column_indexes.add(index.value)

    def _is_set(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.Set, cst.SetComp)):
            return True
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            return node.func.value in ("set", "frozenset") and self.ctx.lookup(node.func.value) is None
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.Subtract, cst.BitOr, cst.BitAnd, cst.BitXor)
        ):
            return self._is_set(node.left) or self._is_set(node.right)
        return False

    def _assigned_name(self, node: cst.CSTNode) -> str | None:
        """The name when the enclosing statement is `name = node` (or `name = list(node)`)."""
        statement = self.ctx.statement
        if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.Assign):
            return None
        assign = statement.body[0]
        value = assign.value
        if value is not node and isinstance(value, cst.Call) and dotted_name(value.func) == "list" and value.args:
            value = value.args[0].value
        if value is not node or len(assign.targets) != 1:
            return None
        target = assign.targets[0].target
        return target.value if isinstance(target, cst.Name) else None

    def _set_list(self, node: cst.Call | cst.ListComp) -> None:
        if self.order_free:
            return
        name = self._assigned_name(node)
        if name is not None:
            self.set_lists.append((name, node, self.ctx.statement))

    def _listing(self, node: cst.Call, shown: str) -> None:
        if self.order_free or self.tests or id(node) in self.truth_tested:
            return
        name = self._assigned_name(node)
        if name is not None:
            self.assigned_listings.append((name, node, shown, self.ctx.statement))
            return
        loop = self.loops[-1] if self.loops else None
        if loop is not None and loop.iter is node and not self._builds(loop):
            return
        self._report_listing(node, shown)

    def _builds(self, loop: cst.For) -> bool:
        """A loop whose body appends to a list or yields: its order becomes the data's order."""
        code = self.ctx.module.code_for_node(loop.body)
        return "yield" in code or any(f".{method}(" in code for method in _BUILDERS)

    def _report_listing(self, node: cst.Call, shown: str, statement: cst.CSTNode | None = None) -> None:
        self.report(
            node,
            f"`{shown}` returns files in an arbitrary order that differs between machines and runs: "
            "wrap it in `sorted()`",
            statement=statement,
        )

    def end(self) -> None:
        for name, node, shown, statement in self.assigned_listings:
            if name not in self.sorted_names:
                self._report_listing(node, shown, statement)
        for name, node, statement in self.set_lists:
            if name in self.column_indexes and name not in self.sorted_names:
                self.report(
                    node,
                    f"`{name}` is built from a set and used to select columns: the order of a set of "
                    "strings changes from run to run; use `sorted(...)`",
                    statement=statement,
                )
