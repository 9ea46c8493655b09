"""Source positions for the few nodes that are reported, without PositionProvider.

libcst's PositionProvider records a range for every node of the file (about 1.9x the parse on
real code). Findings need a handful, so we generate code once with a state that remembers token
indices only for the wanted nodes, then turn those indices into (line, column) in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

import libcst as cst
from libcst._nodes.internal import CodegenState

NEWLINE_RE = re.compile(r"\r\n?|\n")

Span = tuple[tuple[int, int], tuple[int, int]]  # ((line, col0), (line, col0)), end exclusive


class _AllFound(Exception):
    """Raised to stop code generation once every wanted node has been seen."""


class _SpanRecorder(CodegenState):
    def __init__(self, module: cst.Module, wanted: set[cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.pending = len(wanted)
        self.starts: dict[cst.CSTNode, int] = {}
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            self.starts[node] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted and node not in self.spans:
            self._done(node, self.starts[node], len(self.tokens))

    def _done(self, node: cst.CSTNode, start: int, end: int) -> None:
        self.spans[node] = (start, end)
        self.pending -= 1
        if self.pending <= 0:
            raise _AllFound

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if node not in self.wanted:
            yield
            return
        # the syntactic range may be hoisted from children (e.g. a decorated def starts at `def`)
        helpers = [n for n in (start_node, end_node) if n is not None and n not in self.wanted]
        self.wanted.update(helpers)
        self.pending += len(helpers)
        start = len(self.tokens)
        yield
        end = len(self.tokens)
        if start_node is not None and start_node in self.spans:
            start = self.spans[start_node][0]
        if end_node is not None and end_node in self.spans:
            end = self.spans[end_node][1]
        self._done(node, start, end)


def _line_columns(tokens: list[str], indices: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Map token indices to the (1-based line, 0-based column) where that token starts."""
    wanted = sorted(set(indices))
    result: dict[int, tuple[int, int]] = {}
    line, column, position = 1, 0, 0
    for index in wanted:
        for token in tokens[position:index]:
            parts = NEWLINE_RE.split(token)
            if len(parts) == 1:
                column += len(token)
            else:
                line += len(parts) - 1
                column = len(parts[-1])
        position = max(position, index)
        result[index] = (line, column)
    return result


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, Span]:
    """The syntactic span of each node (as PositionProvider would give it)."""
    wanted = set(nodes)
    if not wanted:
        return {}
    recorder = _SpanRecorder(module, set(wanted))
    with suppress(_AllFound):
        module._codegen(recorder)
    indices = [i for span in recorder.spans.values() for i in span]
    where = _line_columns(recorder.tokens, indices)
    return {node: (where[s], where[e]) for node, (s, e) in recorder.spans.items() if node in wanted}
