"""The comments of a source text, for the checks that read them (the walk skips comments).

Tokenizing a file costs a fair share of its parse, so callers first look at the raw lines and
ask for the real comment tokens only when a line looks interesting; the tokens of the last text
asked about are kept, so two comment checks on one file tokenize it once.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

# the line breaks Python (and libcst's positions) know: not str.splitlines()'s form feeds and such
LINE_BREAK_RE = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class SourceComment:
    """One `#` comment: where it starts (1-based line, 0-based column) and its text."""

    line: int
    column: int
    text: str
    own_line: bool  # nothing but whitespace before it on its line


_cache: dict[str, tuple[str, tuple[SourceComment, ...]]] = {}


def source_comments(text: str) -> tuple[SourceComment, ...]:
    """Every comment token of `text`, in order (those before a tokenizer error, if any)."""
    cached = _cache.get("last")
    if cached is not None and cached[0] is text:
        return cached[1]
    comments: list[SourceComment] = []
    if "#" in text:
        readline = io.StringIO(text, newline=None).readline  # "\r" ends a line too
        try:
            for token in tokenize.generate_tokens(readline):
                if token.type == tokenize.COMMENT:
                    line, column = token.start
                    own_line = not token.line[:column].strip()
                    comments.append(SourceComment(line, column, token.string, own_line))
        except (tokenize.TokenError, SyntaxError, ValueError):
            pass  # libcst parsed the file; keep what tokenize understood
    result = tuple(comments)
    _cache["last"] = (text, result)
    return result
