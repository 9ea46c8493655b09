"""Commented-out code: runs of comment lines that are Python statements, not prose."""

from __future__ import annotations

import ast
import re
import textwrap
import warnings
from typing import Any, ClassVar

from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.source_comments import LINE_BREAK_RE, source_comments

# a comment line that could hold code: an assignment, a call, a subscript, or a statement keyword
_CODE_HINT_RE = re.compile(
    r"[=(\[]|^\s*(import|from|return|def|class|for|while|if|with|try|raise|del|assert|print|yield)\b"
)
# tool directives and file markers: never code, and they end a run
_DIRECTIVE_RE = re.compile(
    r"^#+\s*(type:|noqa|pylint:|fmt:|isort:|mypy:|pyright:|pragma|ruff:|flake8|mldebtlint:|-\*-|!|%%|In\[|sphinx_gallery_)",
    re.IGNORECASE,
)
# statements that prose can also parse as: a bare word, a number, `a, b`, `x > y`, `Note: text`
_CONTINUATION_RE = re.compile(r"^\s*(else|elif|except|finally)\b")
_DIRECTIVE_BLOCK_RE = re.compile(r"^\s*\.\. (code-block|code|sourcecode|doctest)::")
_METADATA_RE = re.compile(r"^#\s*///")
_WEAK_STATEMENTS = (ast.Expr, ast.Pass, ast.Break, ast.Continue)
_MAX_SEGMENT = 60  # the longest block of commented-out code tried as one piece


def _parses_as_code(lines: list[str]) -> bool:
    """True when the lines are Python statements that look written to run, not to explain.

    Explanations in comments often parse too: formulas (`y = Xw`, `z = mu + sqrt(var) * eps`),
    `Note: see below`, a bare word. So at least one statement must do work (an assignment, a
    call, an import, a block), and the code must carry something formulas lack: an attribute,
    a subscript, a keyword argument, a string, an import, a block, a literal setting (`lr = 0.1`)
    or a trailing comma (a commented-out argument).
    """
    source = textwrap.dedent("\n".join(lines))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = compile(source, "<comment>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    if not any(_does_work(statement) for statement in tree.body):
        return False
    has_code_token = any(line.rstrip().endswith(",") for line in lines)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Call, ast.Attribute)):
            inner = node.func if isinstance(node, ast.Call) else node.value
            if isinstance(inner, ast.Constant) and not isinstance(inner.value, str):
                return False  # `3(x - y)`, `... (xm, ym)`, `0.68.pt`: notation, not code
        if (
            isinstance(node, _CODE_TOKENS)
            or (isinstance(node, ast.Constant) and isinstance(node.value, str))
            or (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant))
        ):
            has_code_token = True
    return has_code_token


_CODE_TOKENS = (
    ast.Attribute,
    ast.Subscript,
    ast.keyword,
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.Try,
    ast.Return,
)


def _could_start(line: str) -> bool:
    """A first line of code either opens a bracket or block, or is a statement by itself: one
    cheap compile rules out most prose before longer pieces are tried."""
    code = line.split(" #", 1)[0].rstrip()  # a trailing comment (roughly: this is only a filter)
    if line.rstrip().endswith(_OPENERS) or code.endswith(_OPENERS):
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(line.strip(), "<comment>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


_OPENERS = ("(", "[", "{", ",", "\\", ":")


def _does_work(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Call)  # `model.fit(X, y)`, not `Note` or `a, b`
    if isinstance(statement, ast.Return):
        return statement.value is not None
    # `Note: see below` and `key: text=value` parse as annotations; commented code rarely is one
    return not isinstance(statement, (*_WEAK_STATEMENTS, ast.AnnAssign))


class CommentedOutCode(Detector):
    """A run of consecutive own-line comments whose text, once the `#` are removed, parses as
    Python statements of which at least one does work (an assignment, a call, an import, a
    `def`, a loop...). Prose, single words, `Note: ...`, tool directives (`# type:`, `# noqa`,
    `# pylint:`), cell markers and license headers do not parse as such; text in docstrings is
    not a comment at all. One finding per run of comment lines, at its first line of code.
    """

    PARAMS: ClassVar[dict[str, Any]] = {"min-lines": 1}

    def end(self) -> None:
        text = self.ctx.text
        if "#" not in text:
            return
        lines = LINE_BREAK_RE.split(text)
        for run in _comment_runs(lines):
            found = self._code_in_run(run, lines)
            if found is None:
                continue
            first, last, code_lines = found
            if code_lines < self.params["min-lines"] or not self._are_comments(text, first, last):
                continue
            column = len(lines[first - 1]) - len(lines[first - 1].lstrip())
            noun = "line" if code_lines == 1 else "lines"
            self.report_span(
                (first, column),
                (first, len(lines[first - 1].rstrip())),
                f"commented-out code ({code_lines} {noun}): delete it, version control keeps the old code",
                key=" ".join(" ".join(lines[n - 1].strip() for n in range(first, last + 1)).split()),
                statement_line=_next_code_line(lines, run[-1]),
            )

    def _code_in_run(self, run: list[int], lines: list[str]) -> tuple[int, int, int] | None:
        """(first line, last line, lines of code) of the code segments in one run, or None."""
        contents = _without_literal_blocks([_uncomment(lines[n - 1]) for n in run])
        # where each comment's text starts on its line (the `#` may stand at any column)
        columns = [len(lines[n - 1]) - len(lines[n - 1].lstrip().lstrip("#").lstrip()) for n in run]
        segments: list[tuple[int, int]] = []
        start = 0
        while start < len(contents):
            head = contents[start]
            if head is None or not head.strip() or not _CODE_HINT_RE.search(head) or not _could_start(head):
                start += 1
                continue
            limit = contents.index(None, start) if None in contents[start:] else len(contents)
            limit = min(limit, start + _MAX_SEGMENT)
            for stop in range(limit, start, -1):
                if _parses_as_code([text or "" for text in contents[start:stop]]):
                    if not _is_example_in_prose(contents, columns, start, stop):
                        segments.append((start, stop))
                    start = stop
                    break
            else:
                start += 1
        if not segments:
            return None
        code_lines = sum(1 for a, b in segments for text in contents[a:b] if text and text.strip())
        return run[segments[0][0]], run[segments[-1][1] - 1], code_lines

    @staticmethod
    def _are_comments(text: str, first: int, last: int) -> bool:
        """Check with the tokenizer that the lines are comments, not text inside a string."""
        own_lines = {c.line for c in source_comments(text) if c.own_line}
        return first in own_lines and last in own_lines


def _is_example_in_prose(contents: list[str | None], columns: list[int], start: int, stop: int) -> bool:
    """Code indented deeper than the prose right before or after it in the same comment is an
    example the prose talks about (`# for instance\n#     settings(max_examples=10)`)."""
    for i in (start - 1, stop):
        text = contents[i] if 0 <= i < len(contents) else None
        if not text or not text.strip() or columns[i] >= columns[start]:
            continue
        if _CONTINUATION_RE.match(text) or (_CODE_HINT_RE.search(text) and _could_start(text)):
            continue  # more code (`# if x:` ... `# else:`), not prose
        return True
    return False


def _without_literal_blocks(contents: list[str]) -> list[str | None]:
    """Blank out (None) the reStructuredText literal blocks of documentation comments: the
    indented lines after a line ending in `::` are examples in prose, not code left behind."""
    result: list[str | None] = []
    literal_indent: int | None = None
    for text in contents:
        indent = len(text) - len(text.lstrip())
        if literal_indent is not None and (not text.strip() or indent > literal_indent):
            result.append(None)
            continue
        opens = text.rstrip().endswith("::") or _DIRECTIVE_BLOCK_RE.match(text) is not None
        literal_indent = indent if opens else None
        result.append(text)
    return result


def _uncomment(line: str) -> str:
    return line.strip()[1:].lstrip("#") if line.strip().startswith("#") else ""


def _comment_runs(lines: list[str]) -> list[list[int]]:
    """Consecutive own-line comments (1-based line numbers); blank lines, code lines, separator
    lines (`#####`) and tool directives end a run."""
    runs: list[list[int]] = []
    current: list[int] = []
    in_metadata = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if _METADATA_RE.match(stripped):  # PEP 723 `# /// script` ... `# ///`: not code
            in_metadata = stripped.rstrip("/ #") != ""
        if in_metadata or _METADATA_RE.match(stripped):
            stripped = ""
        is_comment = (stripped.startswith("#") and stripped.strip("#").strip() != "") or stripped == "#"
        if is_comment and not _DIRECTIVE_RE.match(stripped) and (number > 1 or not stripped.startswith("#!")):
            current.append(number)
            continue
        if current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _next_code_line(lines: list[str], after: int) -> int | None:
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None
