"""Plain-old-data smell: values passed around as long tuples and bare dicts/lists."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import dotted_name
from mldebtlint.detectors.base import Detector
from mldebtlint.ftypes import Rule

_CONTAINERS = frozenset({"dict", "list", "Dict", "List", "typing.Dict", "typing.List"})
# annotations that carry no schema: builtins and typing's structural words
_SCHEMALESS = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "None",
        "object",
        "tuple",
        "Tuple",
        "Any",
        "Optional",
        "Union",
        "Sequence",
        "Mapping",
        "Iterable",
        "typing.Any",
        "typing.Optional",
        "typing.Union",
        "typing.Tuple",
        "typing.Sequence",
        "typing.Mapping",
        "typing.Iterable",
    }
)


class PlainOldData(Detector):
    """Two shapes:

    - a `return` of a tuple of at least `max-return-values` items (reported once per function);
    - a public function whose name says it serves predictions (`predict`, `serve`, `infer`,
      `inference` as a word of its name) and whose annotations are only builtins and typing
      words, at least one of them a bare `dict`/`list` (`def predict(payload: dict) -> list`).
      A function with no annotations says nothing either way and is not reported; one typed
      with any other class (a pydantic model, a dataclass, `np.ndarray`) has a schema.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "max-return-values": 5,
        "serving-words": ["predict", "serve", "infer", "inference"],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.serving_words = frozenset(self.params["serving-words"])

    def begin(self, ctx: Any, reports: Any) -> None:
        super().begin(ctx, reports)
        self.reported: set[int] = set()

    def visit_Return(self, node: cst.Return) -> None:
        if not self.ctx.functions or not isinstance(node.value, cst.Tuple):
            return
        function = self.ctx.functions[-1]
        count = len(node.value.elements)
        if count < self.params["max-return-values"] or id(function) in self.reported:
            return
        self.reported.add(id(function))
        self.report(
            node,
            f"`{function.name.value}` returns a tuple of {count} values: callers must know each "
            "position; return a named, typed record (a dataclass) instead",
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if name.startswith("_") or not self.serving_words & set(name.lower().split("_")):
            return
        params = node.params
        annotations = [
            p.annotation.annotation
            for p in (*params.posonly_params, *params.params, *params.kwonly_params)
            if p.annotation is not None
        ]
        if node.returns is not None:
            annotations.append(node.returns.annotation)
        if not annotations:
            return
        containers: list[str] = []
        for annotation in annotations:
            kind = self._annotation_kind(annotation)
            if kind is None:
                return  # a real type somewhere in the signature: there is a schema
            if kind in _CONTAINERS:
                containers.append(kind)
        if containers:
            self.report(
                node.name,
                f"`{name}` serves predictions through bare `{containers[0]}` values: no schema says "
                "which fields, types or units it expects; declare a typed request/response model",
                anchor=node,
                statement=node,
            )

    def _annotation_kind(self, annotation: cst.BaseExpression) -> str | None:
        """The container word of a schema-less annotation (`dict`, `Any`, ...), else None."""
        if isinstance(annotation, cst.Subscript):
            base = self._annotation_kind(annotation.value)
            if base is None:
                return None
            for element in annotation.slice:
                index = element.slice
                if isinstance(index, cst.Index) and self._annotation_kind(index.value) is None:
                    return None  # `list[Order]`: the items have a schema
            return base
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            left, right = self._annotation_kind(annotation.left), self._annotation_kind(annotation.right)
            if left is None or right is None:
                return None
            return left if left in _CONTAINERS else right
        if isinstance(annotation, cst.SimpleString):
            return None  # a forward reference names a class
        name = dotted_name(annotation)
        if name is None:
            return None
        qualified = self.ctx.qualified_name(annotation) or name
        if name in _CONTAINERS or name in _SCHEMALESS:
            return name
        if qualified in _CONTAINERS or qualified in _SCHEMALESS:
            return qualified
        return None
