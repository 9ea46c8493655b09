"""Dead experimental codepaths: branches that can never run, code after return/raise."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.literals import truth_value

_TERMINATORS = {cst.Return: "return", cst.Raise: "raise", cst.Continue: "continue", cst.Break: "break"}


class DeadCodepath(Detector):
    """`if False:`, a dead `else` under `if True:`, a constant module-level flag that is only
    tested, and statements that follow `return`/`raise`/`continue`/`break` in the same block.

    A flag counts as constant only when it is assigned a boolean literal exactly once, directly
    in the module body, and every other mention of the name is the test of an `if`/`while`
    (`if FLAG:` or `if not FLAG:`). Any other use (an argument, a `global`, an attribute of the
    same name, a second assignment) means someone may change it, and nothing is reported.
    """

    PARAMS: ClassVar[dict[str, Any]] = {"module-flags": False, "unreachable": True}

    def begin(self, ctx: Any, reports: Any) -> None:
        super().begin(ctx, reports)
        self.names: Counter[str] = Counter()
        self.flags: dict[str, list[tuple[cst.Assign, bool]]] = {}
        self.tests: dict[str, list[tuple[cst.If | cst.While, bool]]] = {}

    # -- literal conditions ---------------------------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        truth = truth_value(node.test)
        if truth is None:
            self._record_flag_test(node)
            return
        self._report_branch(node, truth, f"its condition `{self.ctx.source(node.test)}` is always {truth}")

    def visit_While(self, node: cst.While) -> None:
        truth = truth_value(node.test)
        if truth is False:
            self.report(
                node,
                f"`while {self.ctx.source(node.test)}:` never runs: dead experimental codepath",
                anchor=node.test,
                first_line_only=True,
            )
        elif truth is None:
            self._record_flag_test(node)

    def _report_branch(self, node: cst.If, truth: bool, reason: str) -> None:
        if not truth:
            self.report(
                node,
                f"this branch never runs: {reason} (dead experimental codepath)",
                anchor=node.test,
                first_line_only=True,
            )
        elif node.orelse is not None:
            branch = "elif" if isinstance(node.orelse, cst.If) else "else"
            self.report(
                node.orelse,
                f"this `{branch}` never runs: {reason}",
                anchor=node.test,
                first_line_only=True,
                statement=node,
            )

    # -- constant module-level flags ------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] += 1

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.params["module-flags"] or not self.ctx.at_module_level or len(node.targets) != 1:
            return
        target = node.targets[0].target
        truth = truth_value(node.value)
        is_bool = isinstance(node.value, cst.Name) and node.value.value in ("True", "False")
        if isinstance(target, cst.Name) and truth is not None and is_bool:
            self.flags.setdefault(target.value, []).append((node, truth))

    def _record_flag_test(self, node: cst.If | cst.While) -> None:
        test, negated = node.test, False
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test, negated = test.expression, True
        if isinstance(test, cst.Name):
            self.tests.setdefault(test.value, []).append((node, negated))

    def end(self) -> None:
        for name, assignments in self.flags.items():
            uses = self.tests.get(name, [])
            # the one assignment target, and the tests: no other mention of the name anywhere
            if len(assignments) != 1 or not uses or self.names[name] != 1 + len(uses):
                continue
            value = assignments[0][1]
            for node, negated in uses:
                if isinstance(node, cst.While):
                    if value == negated:
                        self.report(
                            node,
                            f"this loop never runs: `{name}` is set to {value} once at module level and never changed",
                            anchor=node.test,
                            first_line_only=True,
                        )
                    continue
                reason = f"`{name}` is set to {value} once at module level and never changed"
                self._report_branch(node, value != negated, reason)

    # -- unreachable statements -----------------------------------------------------------
    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._unreachable(node.body)

    def visit_Module(self, node: cst.Module) -> None:
        self._unreachable(node.body)

    def _unreachable(self, body: tuple[cst.BaseStatement, ...] | list[cst.BaseStatement]) -> None:
        if not self.params["unreachable"]:
            return
        for current, following in pairwise(body):
            if not isinstance(current, cst.SimpleStatementLine) or not current.body:
                continue
            keyword = _TERMINATORS.get(type(current.body[-1]))
            if keyword is None or _is_generator_marker(following):
                continue
            self.report(
                following,
                f"unreachable code: it follows `{keyword}` in the same block",
                first_line_only=isinstance(following, cst.BaseCompoundStatement),
                statement=following,
            )
            return


def _is_generator_marker(statement: cst.BaseStatement) -> bool:
    """`raise NotImplementedError` then a bare `yield`: the idiom that makes a generator."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.Yield)
    )
