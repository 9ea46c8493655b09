"""Data paths as the code spells them, resolved statically: literals, simple assignments,
f-strings, `os.path.join`, `pathlib` `/`. Anything else is dynamic (None), never guessed."""

from __future__ import annotations

import posixpath

import libcst as cst

from mldebtlint.context import FileContext
from mldebtlint.data_formats import FORMATS_BY_EXTENSION, format_of, is_url
from mldebtlint.detectors.literals import string_value

__all__ = ["FORMATS_BY_EXTENSION", "format_of", "is_url", "resolve_path", "resolve_prefix"]

_MAX_DEPTH = 8
_JOIN_CALLS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
_PATH_CLASSES = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath", "pathlib.WindowsPath"}
)
_SAME_PATH_CALLS = frozenset({"os.path.expanduser", "os.path.normpath", "os.fspath", "str"})
_SAME_PATH_METHODS = frozenset({"expanduser", "resolve", "absolute", "as_posix"})


def resolve_path(ctx: FileContext, node: cst.BaseExpression | None, before: int | None = None) -> str | None:
    """The path or URI `node` evaluates to, when every part of it is known statically."""
    return _resolve(ctx, node, before, 0)


def _resolve(ctx: FileContext, node: cst.BaseExpression | None, before: int | None, depth: int) -> str | None:
    if node is None or depth > _MAX_DEPTH:
        return None
    text = string_value(node)
    if text is not None:
        return text
    if isinstance(node, cst.Name):
        value, seq = ctx.resolve_value(node, before)
        return _resolve(ctx, value, seq, depth + 1) if value is not None else None
    if isinstance(node, cst.FormattedString):
        pieces = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            elif isinstance(part, cst.FormattedStringExpression):
                if part.conversion is not None or part.format_spec is not None:
                    return None
                piece = _resolve(ctx, part.expression, before, depth + 1)
                if piece is None:
                    return None
                pieces.append(piece)
            else:
                return None
        return "".join(pieces)
    if isinstance(node, cst.BinaryOperation):
        left = _resolve(ctx, node.left, before, depth + 1)
        if left is None:
            return None
        right = _resolve(ctx, node.right, before, depth + 1)
        if right is None:
            return None
        if isinstance(node.operator, cst.Divide):
            return posixpath.join(left, right)
        if isinstance(node.operator, cst.Add):
            return left + right
        return None
    if isinstance(node, cst.Call):
        return _resolve_call(ctx, node, before, depth)
    return None


def _resolve_call(ctx: FileContext, node: cst.Call, before: int | None, depth: int) -> str | None:
    args = [a for a in node.args if a.keyword is None and not a.star]
    if len(args) != len(node.args):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in (*_SAME_PATH_METHODS, "joinpath"):
        # Path(...).resolve(), Path(...).joinpath("a", "b"): only on something that is a path
        base = _resolve(ctx, func.value, before, depth + 1)
        if base is None or not _is_path_object(ctx, func.value, before):
            return None
        if func.attr.value == "joinpath":
            parts = [_resolve(ctx, a.value, before, depth + 1) for a in args]
            return None if any(p is None for p in parts) else posixpath.join(base, *parts)  # type: ignore[arg-type]
        return base if not args else None
    name = ctx.qualified_name(func, before)
    if name is None and isinstance(func, cst.Name) and func.value == "str" and ctx.lookup("str") is None:
        name = "str"
    if name in _JOIN_CALLS or name in _PATH_CLASSES:
        if not args:
            return "." if name in _PATH_CLASSES else None
        parts = [_resolve(ctx, a.value, before, depth + 1) for a in args]
        if any(p is None for p in parts):
            return None
        return posixpath.join(*parts)  # type: ignore[arg-type]
    if name in _SAME_PATH_CALLS and len(args) == 1:
        return _resolve(ctx, args[0].value, before, depth + 1)
    return None


def _is_path_object(ctx: FileContext, node: cst.BaseExpression, before: int | None) -> bool:
    if isinstance(node, cst.Name):
        value, seq = ctx.resolve_value(node, before)
        return value is not None and _is_path_object(ctx, value, seq)
    if isinstance(node, cst.BinaryOperation):
        return isinstance(node.operator, cst.Divide)
    if isinstance(node, cst.Call):
        return (ctx.qualified_name(node.func, before) or "") in _PATH_CLASSES
    return False


def resolve_prefix(ctx: FileContext, node: cst.BaseExpression | None) -> str:
    """The literal beginning of a path that does not resolve as a whole: `"/home/al/"` for
    `f"/home/al/{name}.csv"`, `"s3://bucket"` for `os.path.join("s3://bucket", key)`. It says
    where the data lives (a home directory, a URL) without guessing the rest."""
    return _prefix(ctx, node, None, 0)


def _prefix(ctx: FileContext, node: cst.BaseExpression | None, before: int | None, depth: int) -> str:
    if node is None or depth > _MAX_DEPTH:
        return ""
    whole = _resolve(ctx, node, before, depth)
    if whole is not None:
        return whole
    if isinstance(node, cst.Name):
        value, seq = ctx.resolve_value(node, before)
        return _prefix(ctx, value, seq, depth + 1) if value is not None else ""
    if isinstance(node, cst.FormattedString):
        pieces = []
        for part in node.parts:
            piece = None
            if isinstance(part, cst.FormattedStringText):
                piece = part.value
            elif isinstance(part, cst.FormattedStringExpression) and part.format_spec is None:
                piece = _resolve(ctx, part.expression, before, depth + 1)
            if piece is None:
                break
            pieces.append(piece)
        return "".join(pieces)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Divide)):
        left = _resolve(ctx, node.left, before, depth + 1)
        if left is None:
            return _prefix(ctx, node.left, before, depth + 1)
        joiner = "/" if isinstance(node.operator, cst.Divide) and not left.endswith("/") else ""
        return left + joiner + _prefix(ctx, node.right, before, depth + 1)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        template = _resolve(ctx, node.left, before, depth + 1)  # "data/%s.csv" % name
        return template.split("%", 1)[0] if template is not None else ""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        template = _resolve(ctx, node.func.value, before, depth + 1)  # "data/{}.csv".format(name)
        return template.split("{", 1)[0] if template is not None else ""
    if isinstance(node, cst.Call) and node.args and node.args[0].keyword is None and not node.args[0].star:
        name = ctx.qualified_name(node.func, before)
        if name in _JOIN_CALLS or name in _PATH_CLASSES:
            return _prefix(ctx, node.args[0].value, before, depth + 1)
    return ""
