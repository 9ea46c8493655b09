"""Pipeline jungles, in one file: long runs of sequential data-frame transformations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.detectors.base import Detector
from mldebtlint.ftypes import Rule

_MAX_ORIGIN_DEPTH = 30


@dataclass(frozen=True)
class _Step:
    """One statement that transforms the frame bound to `frame`."""

    statement: cst.SimpleStatementLine
    frame: str
    methods: frozenset[str]


class PipelineJungle(Detector):
    """A run of at least `min-steps` consecutive statements of one block (a function body, a
    loop body, a script's top level), each transforming a data frame: `df = df.method(...)`
    (any chain that starts at the same name), `df = pd.merge(df, ...)`/`pd.concat([df, ...])`,
    a column assignment `df["col"] = ...` / `df.loc[...] = ...`, or `df.method(..., inplace=True)`.

    A name counts as a data frame when it was built by a pandas function (followed back through
    its reassignments) or when its steps use a method only frames have (`merge`, `groupby`,
    `fillna`, ...): dicts filled key by key are not frames.
    """

    PARAMS: ClassVar[dict[str, Any]] = {"min-steps": 10, "frame-methods": []}

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.frame_methods = frozenset(self.params["frame-methods"])

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node.body)

    def leave_Module(self, node: cst.Module) -> None:
        self._block(node.body)

    def _block(self, body: tuple[cst.BaseStatement, ...] | list[cst.BaseStatement]) -> None:
        if len(body) < self.params["min-steps"]:
            return
        steps = [_step(statement) for statement in body]
        frames = self._frames([s for s in steps if s is not None])
        run: list[_Step] = []
        for step in [*steps, None]:
            if step is not None and step.frame in frames:
                run.append(step)
                continue
            if len(run) >= self.params["min-steps"]:
                self._report(run)
            run = []

    def _frames(self, steps: list[_Step]) -> set[str]:
        names = {s.frame for s in steps}
        by_methods = {s.frame for s in steps if s.methods & self.frame_methods}
        return by_methods | {name for name in names - by_methods if self._built_by_pandas(name)}

    def _built_by_pandas(self, name: str) -> bool:
        """Follow `name` back through its assignments to a pandas call (`pd.read_csv(...)`)."""
        node: cst.BaseExpression | None = cst.Name(name)
        before: int | None = None
        for _ in range(_MAX_ORIGIN_DEPTH):
            if not isinstance(node, cst.Name):
                return False
            value, before = self.ctx.resolve_value(node, before)
            if value is None:
                return False
            base = value
            while isinstance(base, (cst.Call, cst.Attribute, cst.Subscript)):
                if isinstance(base, cst.Call):
                    qualified = self.ctx.qualified_name(base.func) or ""
                    if qualified.startswith("pandas."):
                        return True
                    base = base.func
                else:
                    base = base.value
            node = base
        return False

    def _report(self, run: list[_Step]) -> None:
        frames = sorted({s.frame for s in run})
        named = ", ".join(f"`{f}`" for f in frames[:3]) + (", ..." if len(frames) > 3 else "")
        first, last = run[0].statement, run[-1].statement
        self.report(
            first,
            f"pipeline jungle: {len(run)} data-frame transformations of {named} in a row, from "
            f"`{self.ctx.source(first.body[0])}` to `{self.ctx.source(last.body[0])}`; "
            "name the stages as functions of one pipeline (and test them)",
            statement=first,
            first_line_only=True,
        )


def _step(statement: cst.BaseStatement) -> _Step | None:
    """The frame a statement transforms, if it is one transformation step."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
        if isinstance(target, cst.Name):
            if _chain_base(value) == target.value and _has_call_or_subscript(value):
                return _Step(statement, target.value, _methods(value))
            if isinstance(value, cst.Call) and _mentions(value, target.value):
                return _Step(statement, target.value, _methods(value))  # pd.merge(df, other)
            return None
        if isinstance(target, cst.Subscript):
            frame = _column_target(target)
            if frame is not None:
                return _Step(statement, frame, _methods(value))
        return None
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        call = small.value
        inplace = any(a.keyword is not None and a.keyword.value == "inplace" for a in call.args)
        base = _chain_base(call)
        if inplace and base is not None:
            return _Step(statement, base, _methods(call))
    return None


def _chain_base(node: cst.BaseExpression) -> str | None:
    """`df` for `df.a(...).b[...]`; None when the chain does not start at a plain name."""
    while isinstance(node, (cst.Call, cst.Attribute, cst.Subscript)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node.value if isinstance(node, cst.Name) else None


def _has_call_or_subscript(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.Call, cst.Subscript))


def _methods(node: cst.BaseExpression) -> frozenset[str]:
    """The method and accessor names used along a chain and in its arguments' chains."""
    names: set[str] = set()
    stack: list[cst.BaseExpression] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            stack.append(current.func)
            stack.extend(arg.value for arg in current.args)
        elif isinstance(current, cst.Attribute):
            names.add(current.attr.value)
            stack.append(current.value)
        elif isinstance(current, cst.Subscript):
            stack.append(current.value)
        elif isinstance(current, (cst.BinaryOperation, cst.Comparison)):
            stack.append(current.left)
    return frozenset(names)


def _mentions(call: cst.Call, name: str) -> bool:
    """True when `name` is a positional argument of the call, or an item of a list/tuple one."""
    for arg in call.args:
        if arg.keyword is not None:
            continue  # `ax = frame.plot(ax=ax)` draws on `ax`, it does not transform it
        value = arg.value
        items = [e.value for e in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]
        if any(isinstance(item, cst.Name) and item.value == name for item in items):
            return True
    return False


def _column_target(target: cst.Subscript) -> str | None:
    """`df` for `df["col"] = ...`, `df[["a", "b"]] = ...` and `df.loc[rows, "col"] = ...`."""
    value = target.value
    if isinstance(value, cst.Attribute) and value.attr.value in ("loc", "iloc", "at", "iat"):
        value = value.value
    elif not all(
        isinstance(e.slice, cst.Index) and isinstance(e.slice.value, (cst.SimpleString, cst.List, cst.FormattedString))
        for e in target.slice
    ):
        return None
    return value.value if isinstance(value, cst.Name) else None
