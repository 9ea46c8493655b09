"""Reading literal values out of expressions, following simple assignments."""

from __future__ import annotations

import re

import libcst as cst

from mldebtlint.context import FileContext

_WINDOWS_DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")
_PATH_FUNCTIONS = frozenset(
    {
        "os.path.join",
        "os.path.abspath",
        "os.path.expanduser",
        "os.path.realpath",
        "os.path.dirname",
        "os.getcwd",
        "os.fspath",
    }
)
_PATH_METHODS = frozenset({"resolve", "absolute", "expanduser", "joinpath", "as_posix", "with_suffix", "with_name"})


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (implicit concatenation included), else None."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def number_value(node: cst.BaseExpression | None) -> float | None:
    """The value of an int/float literal, with an optional sign."""
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            return float(node.evaluated_value)
        except (ValueError, OverflowError):
            return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        inner = number_value(node.expression)
        if inner is None:
            return None
        return -inner if isinstance(node.operator, cst.Minus) else inner
    return None


def truth_value(node: cst.BaseExpression) -> bool | None:
    """True/False for the literals `True`, `False`, `None`, `0`, `1` (and `not` of them)."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return node.value == "True"
    if isinstance(node, cst.Integer):
        number = number_value(node)
        return None if number is None else number != 0
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = truth_value(node.expression)
        return None if inner is None else not inner
    return None


def followed(ctx: FileContext, node: cst.BaseExpression | None, depth: int = 4) -> cst.BaseExpression | None:
    """The expression behind a name, through simple assignments (`x = "bert"; f(x)`); a name
    bound some other way (a parameter, a loop variable) is returned as it is."""
    before: int | None = None
    while isinstance(node, cst.Name) and depth > 0:
        value, seq = ctx.resolve_value(node, before)
        if value is None:
            return node
        node, before = value, seq
        depth -= 1
    return node


def looks_like_local_path(text: str) -> bool:
    """A path on disk rather than a hub id such as `bert-base-uncased` or `org/model`."""
    return (
        text.startswith(("/", "./", "../", "~", "\\", "$", "."))
        or bool(_WINDOWS_DRIVE_RE.match(text))
        or "\\" in text
        or text.count("/") >= 2
    )


def is_path_expression(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """`os.path.join(...)`, `Path(...)`, `p / "x"`: built from the file system, not a hub id."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return True
    if isinstance(node, cst.Call):
        name = ctx.qualified_name(node.func) or ""
        if name in _PATH_FUNCTIONS or name.startswith("pathlib."):
            return True
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _PATH_METHODS:
            return True  # `model_dir.resolve()`, `root.joinpath("m")`
        if isinstance(func, cst.Name) and func.value == "str" and node.args:
            # `str(path)` of something built from the file system
            inner = followed(ctx, node.args[0].value)
            return inner is not None and is_path_expression(ctx, inner)
    if isinstance(node, cst.FormattedString):
        head = node.parts[0] if node.parts else None
        return isinstance(head, cst.FormattedStringText) and looks_like_local_path(head.value)
    return False
