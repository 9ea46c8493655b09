"""The single traversal: every detector's handlers, dispatched by node type, in one walk.

libcst's own visitor rebuilds every node as it goes and costs about as much as the parse; this
walk only reads the dataclass fields that can hold code, which costs a few percent of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import libcst as cst

from mldebtlint.context import FileContext, assigned_names

Handler = Callable[[Any], None]

# fields that hold only whitespace, punctuation or comments: never code a detector wants
_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "header",
        "footer",
        "leading_lines",
        "lines_after_decorators",
        "trailing_whitespace",
        "colon",
        "dot",
        "equal",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "newline",
        "asynchronous",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(node_type: type) -> tuple[str, ...]:
    names = _FIELDS.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS[node_type] = names
    return names


def node_type(name: str) -> type:
    """The libcst node class called `name` (for `visit_<name>` handlers)."""
    candidate = getattr(cst, name, None)
    if not (isinstance(candidate, type) and issubclass(candidate, cst.CSTNode)):
        raise ValueError(f"`{name}` is not a libcst node type")
    return candidate


STATEMENT_TYPES: tuple[type, ...] = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class Dispatch:
    """Handlers by node type, built once per run from the enabled detectors."""

    def __init__(self, handler_owners: Iterable[object]) -> None:
        self.enter: dict[type, list[Handler]] = {}
        self.leave: dict[type, list[Handler]] = {}
        for owner in handler_owners:
            for attr in dir(type(owner)):
                for prefix, table in (("visit_", self.enter), ("leave_", self.leave)):
                    if attr.startswith(prefix):
                        table.setdefault(node_type(attr[len(prefix) :]), []).append(getattr(owner, attr))


class ContextTracker:
    """Keeps a FileContext up to date during the walk; its handlers run before the detectors'."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def handlers(self) -> tuple[dict[type, list[Handler]], dict[type, list[Handler]]]:
        ctx = self.ctx
        enter: dict[type, list[Handler]] = {
            cst.Import: [ctx.bind_import],
            cst.ImportFrom: [ctx.bind_import],
            cst.FunctionDef: [self._enter_function],
            cst.ClassDef: [self._enter_class],
            cst.Lambda: [self._enter_lambda],
            cst.For: [self._enter_for],
            cst.WithItem: [self._enter_with_item],
        }
        leave: dict[type, list[Handler]] = {
            cst.Assign: [self._leave_assign],
            cst.AnnAssign: [self._leave_ann_assign],
            cst.AugAssign: [self._leave_aug_assign],
            cst.NamedExpr: [self._leave_named_expr],
            cst.FunctionDef: [self._leave_function],
            cst.ClassDef: [lambda node: ctx.pop_scope()],
            cst.Lambda: [lambda node: ctx.pop_scope()],
        }
        return enter, leave

    def _bind_params(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.ctx.bind_unknown(param.name.value)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.ctx.bind_unknown(star.name.value)

    def _enter_function(self, node: cst.FunctionDef) -> None:
        self.ctx.bind_definition(node.name.value)
        self.ctx.push_scope("function")
        self.ctx.functions.append(node)
        self._bind_params(node.params)

    def _leave_function(self, node: cst.FunctionDef) -> None:
        self.ctx.pop_scope()
        self.ctx.functions.pop()

    def _enter_class(self, node: cst.ClassDef) -> None:
        self.ctx.bind_definition(node.name.value)
        self.ctx.push_scope("class")

    def _enter_lambda(self, node: cst.Lambda) -> None:
        self.ctx.push_scope("lambda")
        self._bind_params(node.params)

    def _enter_for(self, node: cst.For) -> None:
        for name in assigned_names(node.target):
            self.ctx.bind_unknown(name.value)

    def _enter_with_item(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            for name in assigned_names(node.asname.name):
                self.ctx.bind_unknown(name.value)

    def _leave_assign(self, node: cst.Assign) -> None:
        self.ctx.bind_assignment([t.target for t in node.targets], node.value)

    def _leave_ann_assign(self, node: cst.AnnAssign) -> None:
        self.ctx.bind_assignment([node.target], node.value)

    def _leave_aug_assign(self, node: cst.AugAssign) -> None:
        self.ctx.bind_assignment([node.target], None)

    def _leave_named_expr(self, node: cst.NamedExpr) -> None:
        self.ctx.bind_assignment([node.target], node.value)


def walk(module: cst.Module, dispatch: Dispatch, ctx: FileContext) -> None:
    """Visit every code node of `module` once, calling context then detector handlers."""
    tracker_enter, tracker_leave = ContextTracker(ctx).handlers()
    enter: dict[type, list[Handler]] = {}
    leave: dict[type, list[Handler]] = {}
    for table, first, then in ((enter, tracker_enter, dispatch.enter), (leave, tracker_leave, dispatch.leave)):
        for key in set(first) | set(then):
            table[key] = [*first.get(key, ()), *then.get(key, ())]
    statements = ctx.statements
    # isinstance() against libcst's abstract base classes is slow; answer it once per type
    is_node = _IS_NODE
    is_statement_type = _IS_STATEMENT

    def visit(node: cst.CSTNode) -> None:
        node_cls = type(node)
        is_statement = is_statement_type.get(node_cls)
        if is_statement is None:
            is_statement = is_statement_type[node_cls] = issubclass(node_cls, STATEMENT_TYPES)
        if is_statement:
            statements.append(node)
        handlers = enter.get(node_cls)
        if handlers:
            for handler in handlers:
                handler(node)
        for name in _fields(node_cls):
            value = getattr(node, name)
            value_cls = type(value)
            if value_cls is tuple or value_cls is list:
                for child in value:
                    child_is_node = is_node.get(type(child))
                    if child_is_node is None:
                        child_is_node = is_node[type(child)] = isinstance(child, cst.CSTNode)
                    if child_is_node:
                        visit(child)
                continue
            value_is_node = is_node.get(value_cls)
            if value_is_node is None:
                value_is_node = is_node[value_cls] = isinstance(value, cst.CSTNode)
            if value_is_node:
                visit(value)
        handlers = leave.get(node_cls)
        if handlers:
            for handler in handlers:
                handler(node)
        if is_statement:
            statements.pop()

    visit(module)


_IS_NODE: dict[type, bool] = {}
_IS_STATEMENT: dict[type, bool] = {}
