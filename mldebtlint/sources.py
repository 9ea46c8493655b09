"""Turning a file's bytes into text we can parse, or a clear reason why not."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

# CPython refuses more than 200 nested brackets; libcst's native parser can crash the whole
# process somewhere past 1,000, so deep nesting is refused before libcst sees it.
MAX_NESTING = 200
_BRACKETS_RE = re.compile(r"[()\[\]{}]")
_OPENING = frozenset("([{")
# libcst 1.9.0 also segfaults on lambdas nested 3,500 deep (CPython refuses 3,000 with a
# MemoryError), on 10,000 `not` or `-` in a row and on `a ** a ** ...` 10,000 long; they
# are refused past this many, far beyond any real code
MAX_OPERATOR_NESTING = 1000
_PREFIX_OPERATORS = frozenset({"not", "await", "-", "+", "~"})
_BINARY_KEYWORDS = frozenset({"and", "or", "if", "else", "in", "is", "for", "async", "from", "yield", "as"})
# and on `a and a and ...` 10,000 long: libcst nests binary operators; CPython does not
MAX_OPERATOR_CHAIN = 3000
_BINARY_HINTS = (" and ", " or ", " if ", "+", "-", "*", "/", "%", "@", "|", "&", "^", "<", ">")
_SEPARATORS = frozenset({",", ":", "=", ":=", "->", "for", "async", "as", "from", "yield"})
_MAY_NEST_RE = re.compile(r"(?:[-+~][ \t]*){" + str(MAX_OPERATOR_NESTING) + "}")
_COOKIE_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT_RE = re.compile(rb"^[ \t\f]*(?:#|$)")


class SourceError(Exception):
    """The file cannot be turned into source text; `code` says which MLD0xx diagnostic."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str


def decode_python(data: bytes) -> SourceText:
    """Decode per PEP 263 (BOM, coding cookie, else UTF-8); SourceError(MLD003) if impossible."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError("MLD003", "file contains NUL bytes: binary data, not Python source", line)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # detect_encoding also fails on non-UTF-8 bytes in the first two lines, even when one of
        # them declares the encoding (`# Müller -*- coding: latin-1 -*-`): CPython accepts that
        if "invalid or missing encoding declaration" not in str(exc.msg):
            raise SourceError("MLD003", f"bad encoding declaration: {exc.msg}") from None
        encoding = _raw_cookie(data) or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            "MLD003",
            f"not valid {encoding} (byte 0x{data[exc.start]:02x}) and no coding cookie declares another encoding",
            line,
            column,
        ) from None
    except LookupError:
        raise SourceError("MLD003", f"unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceText(text, encoding)


def _raw_cookie(data: bytes) -> str | None:
    """The PEP 263 coding cookie of the first two lines, read as bytes (they may not be UTF-8)."""
    for number, line in enumerate(data.splitlines()[:2]):
        match = _COOKIE_RE.match(line)
        if match:
            return match.group(1).decode("ascii")
        if number == 0 and not _BLANK_OR_COMMENT_RE.match(line):
            break  # the cookie may be on line 2 only below a comment or blank line
    return None


def too_deep_to_parse(text: str) -> tuple[int, str] | None:
    """(line, MLD001 message) when libcst must not see `text` (it would crash the process)."""
    deep = nesting_too_deep(text)
    if deep is not None:
        return deep[0], f"syntax error: brackets nest deeper than Python allows ({deep[1]} levels)"
    chained = operators_too_deep(text)
    if chained is not None:
        return chained[0], (
            f"syntax error: lambdas and operators nest too deeply to parse safely ({chained[1]} levels)"
        )
    return None


def nesting_too_deep(text: str) -> tuple[int, int] | None:
    """(line, depth) where brackets nest deeper than Python allows, else None.

    A cheap count over the raw text first; only when it goes too deep are the brackets counted
    again as tokens, so that brackets inside strings and comments do not count. If the text
    cannot be tokenized up to that point, the raw count stands (never hand libcst the risk)."""
    if text.count("(") + text.count("[") + text.count("{") < MAX_NESTING:
        return None
    depth = 0
    for match in _BRACKETS_RE.finditer(text):
        if match.group() in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                found = text.count("\n", 0, match.start()) + 1, depth
                return _token_nesting_too_deep(text, found)
        elif depth:
            depth -= 1
    return None


def _token_nesting_too_deep(text: str, raw: tuple[int, int]) -> tuple[int, int] | None:
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and _is_template(token.string):
                # before 3.12 an f-string is one token, but libcst parses the code inside it
                if depth + _raw_depth(token.string) > MAX_NESTING:
                    return token.start[0], MAX_NESTING + 1
                continue
            if token.type != tokenize.OP:
                continue
            if token.string in _OPENING:
                depth += 1
                if depth > MAX_NESTING:
                    return token.start[0], depth
            elif token.string in ")]}" and depth:
                depth -= 1
    except (tokenize.TokenError, SyntaxError):
        return raw
    return None


def _is_template(literal: str) -> bool:
    """An f-string or t-string literal: its braces hold code."""
    prefix = literal[: min(i for i in (literal.find('"'), literal.find("'")) if i != -1)]
    return "f" in prefix.lower() or "t" in prefix.lower()


def _raw_depth(text: str) -> int:
    """The deepest bracket nesting in `text`, counting every bracket (strings included)."""
    depth = deepest = 0
    for match in _BRACKETS_RE.finditer(text):
        if match.group() in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def operators_too_deep(text: str) -> tuple[int, int] | None:
    """(line, depth) where lambdas and operators nest deeper than MAX_OPERATOR_NESTING.

    Counted on tokens, per statement: the lambdas whose bodies are still open (a body ends at a
    comma, `for` or `:` at the lambda's own bracket depth, at a bracket closing below it, or at
    the end of the statement), the run of prefix operators (`not - + ~ await`) since the last
    operand, and the chain of right-nesting `**` since the last other binary operator; and,
    apart, the binary operators chained at one bracket depth (up to a comma, `:` or `=`). Only
    texts with that many such words or signs are tokenized at all; a text that cannot be
    tokenized is judged on the raw count."""
    words = text.count("lambda") + text.count("not") + text.count("await") + text.count("**")
    signs = text.count("-") + text.count("+") + text.count("~")
    if (
        words <= MAX_OPERATOR_NESTING
        and (signs <= MAX_OPERATOR_NESTING or not _MAY_NEST_RE.search(text))
        and sum(text.count(op) for op in _BINARY_HINTS) <= MAX_OPERATOR_CHAIN
    ):
        return None
    depth = run = power = 0
    chains = [0]  # binary operators in the chain at each bracket depth
    after_operand = False
    open_lambdas: list[list[int]] = []  # [bracket depth, 1 while still in its parameters]
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, string = token.type, token.string
            in_parameters = bool(open_lambdas) and open_lambdas[-1][1] == 1
            if kind in (tokenize.NEWLINE, tokenize.ENDMARKER) or string == ";":
                open_lambdas.clear()
                depth = run = power = 0
                chains = [0]
                after_operand = False
            elif kind in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                continue
            elif string == "lambda" and kind == tokenize.NAME:
                open_lambdas.append([depth, 1])
                after_operand = False
            elif string == "**" and kind == tokenize.OP and not in_parameters:
                power += 1
                after_operand = False
            elif string in _PREFIX_OPERATORS and kind in (tokenize.NAME, tokenize.OP) and not after_operand:
                run += 1
            elif string in _OPENING:
                depth += 1
                chains.append(0)
                after_operand = False
            elif string in ")]}":
                depth, run, after_operand = max(depth - 1, 0), 0, True
                if len(chains) > 1:
                    chains.pop()
                while open_lambdas and open_lambdas[-1][0] > depth:
                    open_lambdas.pop()
            elif string == ".":
                after_operand = False  # attribute access binds tighter than any of them
            elif kind in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING) and string not in _BINARY_KEYWORDS:
                after_operand = True
                if not in_parameters:
                    run = 0  # an operand: the prefix operators before it are complete
            else:  # another operator: it ends power chains and unary runs
                if open_lambdas and open_lambdas[-1][0] == depth and string in (",", ":", "for"):
                    if string == ":" and in_parameters:
                        open_lambdas[-1][1] = 0  # the parameters end, the body begins
                    elif not in_parameters:
                        while open_lambdas and open_lambdas[-1][0] == depth and not open_lambdas[-1][1]:
                            open_lambdas.pop()
                if not in_parameters:
                    run = power = 0
                    chains[-1] = 0 if string in _SEPARATORS else chains[-1] + 1
                after_operand = False
            if len(open_lambdas) + run + power > MAX_OPERATOR_NESTING:
                return token.start[0], len(open_lambdas) + run + power
            if chains[-1] > MAX_OPERATOR_CHAIN:
                return token.start[0], chains[-1]
    except (tokenize.TokenError, SyntaxError):
        return (1, words) if words > 3 * MAX_OPERATOR_NESTING else None
    return None
