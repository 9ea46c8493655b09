"""Data flow within a function or module: where does a value come from?

The context keeps simple bindings (`x = expr`). `DataFlow` records, during the same walk, what
those bindings lose: names unpacked from a tuple (`X_train, X_test, y_train, y_test =
train_test_split(X, y)`) and values written into a frame or an array (`df["p"] = m.predict(X)`,
`oof[idx] = ...`), and what local functions return. `trace` then follows an expression
backwards through assignments, subscripts, attributes, calls (arguments and receivers:
`np.column_stack`, `pd.concat`, `scaler.transform(X)`; and the `return` expressions of functions
defined in the file, whose own local names are not resolved), arithmetic (`y - m.predict(X)`)
and containers, asking a question of every expression it meets. Rules of §2 and §8 share it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from mldebtlint.context import Binding, FileContext
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.literals import string_value

# functions that split arrays into (train, test) pairs, in order: a, b -> a_train, a_test, b_train, b_test
DEFAULT_SPLITTERS = ("sklearn.model_selection.train_test_split", "sklearn.cross_validation.train_test_split")
_MAX_STEPS = 400


class Verdict(enum.Enum):
    """What a trace question answers about one expression."""

    FOUND = "found"  # this expression is what we look for: stop and return it
    STOP = "stop"  # do not follow this expression further
    FOLLOW = "follow"  # keep following where it comes from


Question = Callable[[cst.BaseExpression, "int | None"], Verdict]
# an expression to follow: (expression, resolve names before this seq, selected columns, inside a
# called local function)
_Step = tuple[cst.BaseExpression, "int | None", "frozenset[str] | None", bool]


@dataclass(frozen=True)
class Write:
    """A value written into part of a frame or array: `df["p"] = value`, `oof[idx] = value`."""

    column: str | None  # the column name when the key is a string literal
    value: cst.BaseExpression


@dataclass(frozen=True)
class Unpacked:
    """A name bound by tuple unpacking, with the expression it was unpacked from."""

    source: cst.BaseExpression
    before: int
    split_part: str | None  # "train" or "test" for the outputs of a splitter, else None


class DataFlow:
    """What one file's walk adds to the context's simple bindings (see the module docstring).

    A detector creates one in `begin` and calls `record_assign` from its `leave_Assign` (the
    context binds the targets first, so their bindings already exist).
    """

    def __init__(self, ctx: FileContext, splitters: tuple[str, ...] | list[str] = DEFAULT_SPLITTERS) -> None:
        self.ctx = ctx
        self.splitters = frozenset(splitters)
        self.unpacked: dict[int, Unpacked] = {}
        self.writes: dict[int | str, list[Write]] = {}
        # local functions by name: what their `return` statements return
        self.returns: dict[str, list[cst.BaseExpression]] = {}
        # bindings are held by the context for the whole file, so their ids stay unique
        self._keep: list[Binding] = []

    # -- recording ------------------------------------------------------------------------
    def record_assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record_target(target.target, node.value)

    def _record_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            self._record_unpacking(target, value)
        elif isinstance(target, cst.Subscript):
            base: cst.BaseExpression = target
            while isinstance(base, (cst.Subscript, cst.Attribute)):
                base = base.value
            if not isinstance(base, cst.Name):
                return
            binding = self.ctx.lookup(base.value)
            key: int | str = base.value  # a name bound elsewhere (a global of another module)
            if binding is not None:
                self._keep.append(binding)
                key = id(binding)
            self.writes.setdefault(key, []).append(Write(column_key(target), value))

    def _record_unpacking(self, target: cst.Tuple | cst.List, value: cst.BaseExpression) -> None:
        elements = [e.value for e in target.elements]
        sources: list[tuple[cst.BaseExpression, str | None]]
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
            sources = [(e.value, None) for e in value.elements]
        elif isinstance(value, cst.Call) and self.ctx.qualified_name(value.func) in self.splitters:
            arrays = [a.value for a in value.args if a.keyword is None and not a.star]
            if not arrays:
                return
            sources = [
                (arrays[min(i // 2, len(arrays) - 1)], "test" if i % 2 else "train") for i in range(len(elements))
            ]
        else:
            sources = [(value, None)] * len(elements)
        for element, (source, part) in zip(elements, sources, strict=True):
            if isinstance(element, (cst.Tuple, cst.List)):
                self._record_unpacking(element, source)
                continue
            if isinstance(element, cst.StarredElement):
                element = element.value
            if not isinstance(element, cst.Name):
                continue
            binding = self.ctx.lookup(element.value)
            if binding is None:
                continue
            self._keep.append(binding)
            self.unpacked[id(binding)] = Unpacked(source, binding.seq, part)

    def record_return(self, node: cst.Return) -> None:
        """`return expr` inside a local function: calls of it derive from `expr`."""
        if node.value is not None and self.ctx.functions:
            self.returns.setdefault(self.ctx.functions[-1].name.value, []).append(node.value)

    # -- questions ------------------------------------------------------------------------
    def split_part(self, node: cst.BaseExpression, before: int | None = None) -> str | None:
        """ "train"/"test" when `node` names (a subscript of) an output of a splitter."""
        while isinstance(node, (cst.Subscript, cst.Attribute)):
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        binding = self.ctx.lookup(node.value, before)
        if binding is None:
            return None
        unpacked = self.unpacked.get(id(binding))
        return unpacked.split_part if unpacked is not None else None

    def trace(
        self, node: cst.BaseExpression, question: Question, before: int | None = None
    ) -> cst.BaseExpression | None:
        """The first expression `node` derives from for which `question` says FOUND, else None."""
        stack: list[_Step] = [(node, before, None, False)]
        seen: set[tuple[int, int | None]] = set()
        steps = 0
        while stack and steps < _MAX_STEPS:
            current, at, columns, inside = stack.pop()
            key = (id(current), at)
            if key in seen:
                continue
            seen.add(key)
            steps += 1
            verdict = question(current, at)
            if verdict is Verdict.FOUND:
                return current
            if verdict is Verdict.STOP:
                continue
            if inside and isinstance(current, cst.Name):
                continue  # a name local to the called function: its scope is gone, do not guess
            found = self._sources(current, at, columns)
            stack.extend((expr, seq, cols, inside) for expr, seq, cols in found)
            if isinstance(current, cst.Call) and isinstance(current.func, cst.Name):
                stack.extend((value, None, None, True) for value in self._local_returns(current.func, at))
        return None

    def _local_returns(self, func: cst.Name, at: int | None) -> list[cst.BaseExpression]:
        """What a call of a function defined in this file may return."""
        binding = self.ctx.lookup(func.value, at)
        if binding is None or not binding.local_definition:
            return []
        return self.returns.get(func.value, [])

    def _sources(
        self, node: cst.BaseExpression, at: int | None, columns: frozenset[str] | None
    ) -> list[tuple[cst.BaseExpression, int | None, frozenset[str] | None]]:
        """The expressions `node` is computed from, most likely first (popped last)."""
        if isinstance(node, cst.Name):
            binding = self.ctx.lookup(node.value, at)
            found: list[tuple[cst.BaseExpression, int | None, frozenset[str] | None]] = []
            for write in self.writes.get(node.value if binding is None else id(binding), ()):
                if columns is None or write.column is None or write.column in columns:
                    found.append((write.value, None, None))
            if binding is None:
                return found
            unpacked = self.unpacked.get(id(binding))
            if unpacked is not None:
                found.append((unpacked.source, unpacked.before, None))
            if binding.value is not None:
                follow_columns = columns if isinstance(binding.value, cst.Name) else None
                found.append((binding.value, binding.seq, follow_columns))
            return found
        if isinstance(node, cst.Subscript):
            selected = column_keys(node, self.ctx, at)
            return [(node.value, at, selected)]
        if isinstance(node, cst.Attribute):
            return [(node.value, at, None)]
        if isinstance(node, cst.Call):
            found = [(a.value, at, None) for a in node.args]
            if isinstance(node.func, cst.Attribute):
                found.append((node.func.value, at, None))
            return found
        if isinstance(node, cst.BinaryOperation):
            return [(node.left, at, None), (node.right, at, None)]
        if isinstance(node, cst.UnaryOperation):
            return [(node.expression, at, None)]
        if isinstance(node, (cst.Tuple, cst.List)):
            return [(e.value, at, None) for e in node.elements]
        if isinstance(node, cst.IfExp):
            return [(node.body, at, None), (node.orelse, at, None)]
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return [(node.elt, at, None), (node.for_in.iter, at, None)]
        if isinstance(node, cst.StarredElement):
            return [(node.value, at, None)]
        return []


def column_key(node: cst.Subscript) -> str | None:
    """The column a subscript names when its key is one string literal (`df["p"]`)."""
    if len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    return string_value(index.value) if isinstance(index, cst.Index) else None


def string_list(node: cst.BaseExpression | None) -> list[str] | None:
    """The strings of a list/tuple literal made only of string literals, else None."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    values = [string_value(e.value) for e in node.elements]
    if any(v is None for v in values):
        return None
    return [v for v in values if v is not None]


def column_keys(node: cst.Subscript, ctx: FileContext, before: int | None = None) -> frozenset[str] | None:
    """The columns a subscript selects when they are spelled out (`df["a"]`, `df[["a", "b"]]`,
    `df[FEATURES]` with `FEATURES = [...]`), else None."""
    single = column_key(node)
    if single is not None:
        return frozenset((single,))
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    index = node.slice[0].slice.value
    if isinstance(index, cst.Name):
        index, _ = ctx.resolve_value(index, before)
    values = string_list(index)
    return frozenset(values) if values else None


class DataFlowDetector(Detector):
    """A detector that follows values: `self.flow` is filled as the file is walked."""

    # functions whose outputs unpack as (train, test) pairs, for `DataFlow.split_part`
    SPLITTERS: tuple[str, ...] = DEFAULT_SPLITTERS

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.flow = DataFlow(ctx, self.SPLITTERS)

    def leave_Assign(self, node: cst.Assign) -> None:
        self.flow.record_assign(node)

    def visit_Return(self, node: cst.Return) -> None:
        self.flow.record_return(node)


def fit_data(node: cst.Call) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
    """The features and target of `model.fit(X, y)` (positional, or `X=`/`x=` and `y=`/`Y=`)."""
    positional = [a.value for a in node.args if a.keyword is None and not a.star][:2]
    keyword = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    features = positional[0] if positional else keyword.get("X", keyword.get("x"))
    target = positional[1] if len(positional) > 1 else keyword.get("y", keyword.get("Y"))
    return features, target
