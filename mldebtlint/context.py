"""What detectors know about the file being walked: imports, scopes, simple assignments.

Filled during the engine's single traversal, in source order, so a detector that looks up a
name sees the bindings made before the node it is visiting. This replaces libcst's
QualifiedNameProvider/ScopeProvider, which cost several times the parse itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import libcst as cst

from mldebtlint.notebooks import Magic

# a binding whose value is unknown (a parameter, a loop target, an augmented assignment)
UNKNOWN: cst.BaseExpression | None = None


@dataclass
class Binding:
    """One binding of a name: an import, a definition, or an assigned expression."""

    seq: int
    qualified: str | None = None  # imports: the dotted name they bring in
    value: cst.BaseExpression | None = None  # simple assignments: the expression assigned
    local_definition: bool = False  # def / class in this file


@dataclass
class Scope:
    kind: str  # "module", "function", "class", "lambda"
    bindings: dict[str, list[Binding]] = field(default_factory=dict)


def attribute_chain(node: cst.BaseExpression) -> tuple[cst.Name | None, list[str]]:
    """`a.b.c` as (the Name `a`, ["b", "c"]); (None, ...) when the chain starts elsewhere."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    parts.reverse()
    return (node if isinstance(node, cst.Name) else None), parts


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    head, parts = attribute_chain(node)
    return None if head is None else ".".join([head.value, *parts])


def _import_target(node: cst.BaseExpression) -> str:
    name = dotted_name(node)
    return name or ""


def assigned_names(target: cst.BaseExpression) -> list[cst.Name]:
    """The plain names bound by an assignment target (tuples and lists unpacked)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: list[cst.Name] = []
        for element in target.elements:
            names.extend(assigned_names(element.value))
        return names
    if isinstance(target, cst.StarredElement):
        return assigned_names(target.value)
    return []


class FileContext:
    """Name resolution for one file, updated as the walk goes."""

    def __init__(
        self, module: cst.Module | None = None, text: str | None = None, magics: tuple[Magic, ...] = ()
    ) -> None:
        self.module = module or cst.Module(body=())
        self._text = text
        # a notebook's blanked IPython magics (`%run x.ipynb`, `%%R` cells); none in a .py file
        self.magics = magics
        self.scopes: list[Scope] = [Scope("module")]
        self.statements: list[cst.CSTNode] = []
        self.functions: list[cst.FunctionDef] = []
        self._seq = count()

    @property
    def text(self) -> str:
        """The file's source text (for checks that read comments, which the walk skips)."""
        if self._text is None:
            self._text = self.module.code
        return self._text

    # -- bindings -------------------------------------------------------------------------
    def bind(self, name: str, binding: Binding) -> None:
        self.scopes[-1].bindings.setdefault(name, []).append(binding)

    def _new(self, **kwargs: object) -> Binding:
        return Binding(seq=next(self._seq), **kwargs)  # type: ignore[arg-type]

    def bind_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _import_target(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.bind(alias.asname.name.value, self._new(qualified=full))
                else:
                    top = full.split(".")[0]
                    self.bind(top, self._new(qualified=top))
            return
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            # relative imports name this project's own modules; star imports bind unknown names
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    local = alias.evaluated_alias or alias.evaluated_name
                    self.bind(local, self._new(local_definition=True))
            return
        module = _import_target(node.module)
        for alias in node.names:
            local = alias.evaluated_alias or alias.evaluated_name
            self.bind(local, self._new(qualified=f"{module}.{alias.evaluated_name}"))

    def bind_assignment(self, targets: list[cst.BaseExpression], value: cst.BaseExpression | None) -> None:
        for target in targets:
            if isinstance(target, cst.Name):
                self.bind(target.value, self._new(value=value))
            else:
                for name in assigned_names(target):
                    self.bind(name.value, self._new())

    def bind_unknown(self, name: str) -> None:
        self.bind(name, self._new())

    def bind_definition(self, name: str) -> None:
        self.bind(name, self._new(local_definition=True))

    def push_scope(self, kind: str) -> None:
        self.scopes.append(Scope(kind))

    def pop_scope(self) -> None:
        self.scopes.pop()

    # -- lookups --------------------------------------------------------------------------
    def lookup(self, name: str, before: int | None = None) -> Binding | None:
        """The latest binding of `name` visible here (made before `before`, if given)."""
        innermost = len(self.scopes) - 1
        for index in range(innermost, -1, -1):
            scope = self.scopes[index]
            if scope.kind == "class" and index != innermost:
                continue  # class bodies are not enclosing scopes for their methods
            bindings = scope.bindings.get(name)
            if not bindings:
                continue
            if before is None:
                return bindings[-1]
            for binding in reversed(bindings):
                if binding.seq < before:
                    return binding
        return None

    def qualified_name(self, node: cst.BaseExpression, before: int | None = None, depth: int = 0) -> str | None:
        """`pandas.read_csv` for `pd.read_csv` under `import pandas as pd`; None if not imported."""
        head, parts = attribute_chain(node)
        if head is None:
            return None
        binding = self.lookup(head.value, before)
        if binding is None:
            return None
        if binding.qualified is not None:
            base = binding.qualified
        elif binding.value is not None and depth < 4 and isinstance(binding.value, (cst.Name, cst.Attribute)):
            # `Model = transformers.AutoModel` aliases the class
            resolved = self.qualified_name(binding.value, binding.seq, depth + 1)
            if resolved is None:
                return None
            base = resolved
        else:
            return None
        return ".".join([base, *parts])

    def resolve_value(
        self, node: cst.BaseExpression, before: int | None = None
    ) -> tuple[cst.BaseExpression | None, int | None]:
        """Follow a name to the expression last assigned to it: (expression, its binding seq)."""
        if not isinstance(node, cst.Name):
            return node, before
        binding = self.lookup(node.value, before)
        if binding is None or binding.value is None:
            return None, None
        return binding.value, binding.seq

    def source(self, node: cst.CSTNode, limit: int = 60) -> str:
        """The node's code on one line, shortened for messages."""
        code = " ".join(self.module.code_for_node(node).split())
        return code if len(code) <= limit else code[: limit - 3] + "..."

    @property
    def at_module_level(self) -> bool:
        """True for a statement directly in the module body (not in a block, def or class)."""
        return len(self.statements) == 1

    @property
    def statement(self) -> cst.CSTNode | None:
        return self.statements[-1] if self.statements else None
