"""Prototype leftovers: subsampling that still reaches training, notebooks imported as modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import dotted_name
from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.literals import followed, number_value
from mldebtlint.ftypes import Rule

_MAX_DEPTH = 10


_RUN_NOTEBOOK_RE = re.compile(r"%run\s+(?:-\S+\s+)*(\S+\.ipynb)\b")


@dataclass(frozen=True)
class _Subsample:
    node: cst.CSTNode
    what: str
    base: str | None  # the sliced name (`X` in `X[:1000]`), to recognise a split
    size: float | None
    training_call: str


class PrototypeLeftover(Detector):
    """Subsampling whose value reaches a training call in the same function or script:
    `pd.read_*(..., nrows=<literal>)`, `.head(<literal>)`, `.sample(n=<literal>)` or
    `.sample(frac=<literal below 1>)`, and slices with a literal end (`X[:1000]`,
    `df.iloc[:500]`). Values are followed from each argument of a training call (`fit`,
    `partial_fit`, `fit_generator`, a `train_dataset=` keyword, ...) back through simple
    assignments, method chains and subscripts. A slice is not reported when rows past its end
    are read elsewhere in the file (`X[:1000]` with `X[1000:]` or `X[1004]`): that is a split.
    Also reports `import import_ipynb`, which imports notebooks as modules.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "training-methods": ["fit", "partial_fit", "fit_generator"],
        "training-keywords": ["train_dataset", "train_data"],
        "notebook-importers": ["import_ipynb"],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.training_methods = frozenset(self.params["training-methods"])
        self.training_keywords = frozenset(self.params["training-keywords"])
        self.importers = frozenset(self.params["notebook-importers"])

    def begin(self, ctx: Any, reports: Any) -> None:
        super().begin(ctx, reports)
        self.found: dict[int, _Subsample] = {}
        self.rows_read: dict[str, list[float]] = {}  # literal rows and slice starts, by name
        self.call_sizes: set[float] = set()  # `fit(X[:500], y[:500])` is one decision: one finding

    # -- notebooks imported as modules --------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if (dotted_name(alias.name) or "") in self.importers:
                self.report(node, "`import_ipynb` imports notebooks as modules: prototype code in the system")

    # -- splits: rows past the slice end read elsewhere (`X[1000:]`, `X[1004]`) ------------
    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not node.slice:
            return
        first = node.slice[0].slice
        if isinstance(first, cst.Slice):
            if first.upper is not None or first.lower is None:
                return
            row = number_value(followed(self.ctx, first.lower))
        else:
            row = number_value(followed(self.ctx, first.value))
        base = _sliced_name(node)
        if row is not None and base is not None:
            self.rows_read.setdefault(base, []).append(row)

    # -- training calls ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        is_training = isinstance(func, cst.Attribute) and func.attr.value in self.training_methods
        self.call_sizes = set()
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if is_training or keyword in self.training_keywords:
                callee = f"{self.ctx.source(func, 30)}(...)"
                self._trace(arg.value, None, 0, callee)

    def _trace(self, node: cst.BaseExpression | None, before: int | None, depth: int, callee: str) -> None:
        """Follow a training input back to where it was made; record the subsampling found."""
        if node is None or depth > _MAX_DEPTH:
            return
        if isinstance(node, cst.Name):
            value, seq = self.ctx.resolve_value(node, before)
            self._trace(value, seq, depth + 1, callee)
        elif isinstance(node, cst.Subscript):
            first = _first_slice(node)
            size = number_value(first.upper) if first is not None and first.upper is not None else None
            start = number_value(first.lower) if first is not None and first.lower is not None else 0
            if first is not None and first.step is None and size is not None and size > 0 and start == 0:
                self._record(node, f"`{self.ctx.source(node, 40)}`", _sliced_name(node), size, callee)
                return
            self._trace(node.value, before, depth + 1, callee)
        elif isinstance(node, cst.Attribute):
            self._trace(node.value, before, depth + 1, callee)
        elif isinstance(node, cst.Call):
            if self._is_subsampling_call(node, before):
                self._record(node, f"`{self.ctx.source(node, 40)}`", None, None, callee)
                return
            if isinstance(node.func, cst.Attribute):
                self._trace(node.func.value, before, depth + 1, callee)
            for arg in node.args[:1]:  # `np.asarray(x)`, `torch.tensor(x)`: the data is the first argument
                if arg.keyword is None and not arg.star:
                    self._trace(arg.value, before, depth + 1, callee)

    def _is_subsampling_call(self, node: cst.Call, before: int | None) -> bool:
        func = node.func
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if isinstance(func, cst.Attribute) and func.attr.value == "head":
            size = number_value(positional[0]) if positional else number_value(keywords.get("n"))
            return size is not None and size > 0
        if isinstance(func, cst.Attribute) and func.attr.value == "sample":
            frac = number_value(keywords.get("frac"))
            if frac is not None:
                return 0 < frac < 1  # frac=1 shuffles, it keeps every row
            size = number_value(keywords.get("n")) if "n" in keywords else None
            if size is None and positional:
                size = number_value(positional[0])
            return size is not None and size > 0
        if "nrows" in keywords and number_value(keywords["nrows"]) is not None:
            qualified = self.ctx.qualified_name(func, before) or ""
            return qualified.startswith("pandas.read_")
        return False

    def _record(self, node: cst.CSTNode, what: str, base: str | None, size: float | None, callee: str) -> None:
        if size is not None:
            if size in self.call_sizes:
                return
            self.call_sizes.add(size)
        if id(node) not in self.found:
            self.found[id(node)] = _Subsample(node, what, base, size, callee)

    def end(self) -> None:
        for magic in self.ctx.magics:
            match = _RUN_NOTEBOOK_RE.match(magic.text)
            if match:
                self.report_span(
                    (magic.line, magic.column),
                    (magic.line, magic.column + len(magic.text)),
                    f"`%run {match.group(1)}` runs another notebook inside this one: prototype code in the system",
                    key=magic.text,
                    statement_line=magic.line,
                )
        for found in self.found.values():
            if found.base is not None and any(row >= (found.size or 0) for row in self.rows_read.get(found.base, ())):
                continue  # `X[:1000]` and `X[1000:]` (or `X[1004]`): a train/test split, not a subsample
            self.report(
                found.node,
                f"prototype leftover: {found.what} keeps a subsample of the data, and it reaches "
                f"`{found.training_call}`: the model is trained on part of the data",
            )


def _first_slice(node: cst.Subscript) -> cst.Slice | None:
    if not node.slice:
        return None
    first = node.slice[0].slice
    return first if isinstance(first, cst.Slice) else None


def _sliced_name(node: cst.Subscript) -> str | None:
    """`X` for `X[:10]`, `df` for `df.iloc[:10]`."""
    value = node.value
    if isinstance(value, cst.Attribute) and value.attr.value in ("iloc", "loc"):
        value = value.value
    return dotted_name(value)
