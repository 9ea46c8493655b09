"""Self-admitted technical debt: TODO / FIXME / HACK / XXX comments left in the code."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.source_comments import source_comments

_MAX_QUOTE = 60


class SelfAdmittedDebt(Detector):
    """A comment carrying one of the `markers` as a word (`# TODO: ...`, `# FIXME(ana)`).

    Markers are matched in capitals anywhere in the comment, and in any case right after the
    `#` (`# todo: ...`), so prose that merely uses the word ("a hack that...") is not reported.
    Only real comment tokens count: the same words inside strings and docstrings do not.
    """

    PARAMS: ClassVar[dict[str, Any]] = {"markers": ["TODO", "FIXME", "HACK", "XXX"]}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = "|".join(re.escape(m) for m in self.params["markers"])
        self.anywhere = re.compile(rf"\b({words})\b")
        self.leading = re.compile(rf"^#+\s*({words})\b", re.IGNORECASE)
        # a cheap look at the raw text first: most files hold no marker, and need no tokenizing
        self.candidate = re.compile(rf"#[^\n]*\b({words})\b", re.IGNORECASE)

    def end(self) -> None:
        text = self.ctx.text
        if not self.candidate.search(text):
            return
        for comment in source_comments(text):
            match = self.leading.search(comment.text) or self.anywhere.search(comment.text)
            if match is None:
                continue
            quoted = " ".join(comment.text.lstrip("#").split())
            if len(quoted) > _MAX_QUOTE:
                quoted = quoted[: _MAX_QUOTE - 3] + "..."
            self.report_span(
                (comment.line, comment.column),
                (comment.line, comment.column + len(comment.text)),
                f"self-admitted debt: `{quoted}`: track it in the issue tracker, or pay it now",
                key=" ".join(comment.text.split()),
                statement_line=comment.line,
            )
