"""Jupyter notebooks as input: the code cells joined into one module, and the way back.

A notebook is read as JSON (never run). Its code cells are joined in order, so names flow from
cell to cell as they do at run time; IPython syntax (`%magic`, `%%cell_magic`, `!shell`, `obj?`)
is blanked line for line, so every line of the joined module is one line of one cell. A `Notebook`
keeps that map, and maps each finding back to its cell, its line in the cell and the line of the
raw `.ipynb` file that holds that source text (what SARIF and GitHub annotations need).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from mldebtlint.ftypes import DataAccess, FileResult, Finding, HyperparameterSetting, Position, Severity

NOTEBOOK_SUFFIX = ".ipynb"
INVALID_NOTEBOOK = "MLD004"
NON_PYTHON_NOTEBOOK = "MLD007"
# a notebook is parsed twice (values, then positions); past this size the memory is not worth it
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_WHITESPACE_RE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_UNSAFE_CHAR_RE = re.compile("[\x00\ud800-\udfff]")
_CONFLICT_RE = re.compile(r"^(<{7}|>{7}) ", re.MULTILINE)
_CELL_MAGIC_RE = re.compile(r"\s*%%(\w*)")
# `files = !ls`, `t = %timeit -o f()`: IPython assigns the output of a magic or shell command
_ASSIGNED_MAGIC_RE = re.compile(r"\s*[A-Za-z_][\w\s.,\[\]()]*(?<![=!<>])=\s*[%!]")
# cell magics whose body is Python that runs in the notebook's namespace (as Ruff treats them)
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})


class NotebookError(Exception):
    """The file is not a notebook we can read; `message` says why, at a raw-file position."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


_Fact = TypeVar("_Fact", DataAccess, HyperparameterSetting)


@dataclass(frozen=True)
class _Piece:
    """One JSON string of a cell's `source`: where its text starts in the cell, where it is raw."""

    offset: int  # index in the cell's text of the string's first character
    length: int  # decoded length
    raw_start: int  # index in the raw file of the opening quote
    raw_end: int  # index in the raw file just past the closing quote


@dataclass(frozen=True)
class CodeCell:
    """A code cell: its number over all cells, its lines in the joined module, its raw layout."""

    number: int  # 1-based over every cell, markdown and raw cells included
    first_line: int  # line of the joined module holding the cell's first line
    line_starts: tuple[int, ...]  # index in the cell's text where each of its lines starts
    line_lengths: tuple[int, ...]
    pieces: tuple[_Piece, ...]  # empty when the raw layout could not be followed


@dataclass(frozen=True)
class Magic:
    """An IPython line or cell magic that was blanked: where it stood in the joined module."""

    line: int  # 1-based line of the joined module
    column: int  # 0-based
    text: str  # the magic as written, e.g. `%run prepare.ipynb` or `%%R -i df`
    body_lines: int = 0  # a cell magic: the non-blank lines of the cell below it


@dataclass(frozen=True)
class Notebook:
    """A notebook read for checking: the joined code and the map back to cells and raw lines."""

    code: str
    language: str
    cells: tuple[CodeCell, ...]  # code cells that hold at least one line, in order
    raw: str
    raw_line_starts: tuple[int, ...]
    magics: tuple[Magic, ...] = ()

    @property
    def is_python(self) -> bool:
        return _is_python(self.language)

    def place(self, result: FileResult) -> None:
        """Move every finding of `result` from joined-module positions to cell positions."""
        if not self.cells:
            return
        result.findings = [self._place_finding(f) for f in result.findings]
        result.suppressed = [
            (self._place_finding(f), replace(s, line=self._cell_line(s.line)[1])) for f, s in result.suppressed
        ]

    def place_fact(self, fact: _Fact) -> _Fact:
        """A data fact with its cell, cell positions and raw .ipynb positions filled in."""
        probe = Finding("", "", "", fact.start, fact.end, Severity.INFO, "")
        placed = self._place_finding(probe)
        return replace(
            fact,
            cell=placed.cell,
            cell_start=placed.start,
            cell_end=placed.end,
            raw_start=placed.raw_start,
            raw_end=placed.raw_end,
        )

    def _cell_line(self, line: int) -> tuple[CodeCell, int]:
        firsts = [cell.first_line for cell in self.cells]
        cell = self.cells[max(0, bisect.bisect_right(firsts, line) - 1)]
        return cell, min(max(1, line - cell.first_line + 1), len(cell.line_starts))

    def _place_finding(self, finding: Finding) -> Finding:
        cell, start_line = self._cell_line(finding.start.line)
        end_cell, end_line = self._cell_line(finding.end.line)
        start = Position(start_line, finding.start.column)
        end = Position(end_line, finding.end.column)
        if finding.start.line > cell.first_line + len(cell.line_starts) - 1:
            start = end = Position(start_line, cell.line_lengths[start_line - 1] + 1)  # past the end: EOF errors
        elif end_cell is not cell or end.line < start.line:
            # a span that runs into the next cell stops at the end of its own cell
            end = Position(len(cell.line_starts), cell.line_lengths[-1] + 1)
        return replace(
            finding,
            cell=cell.number,
            start=start,
            end=end,
            raw_start=self.raw_position(cell, start, at_end=False),
            raw_end=self.raw_position(cell, end, at_end=True),
        )

    def raw_position(self, cell: CodeCell, position: Position, at_end: bool = False) -> Position:
        """Where a cell position stands in the raw file (1-based line and code-point column)."""
        if not cell.pieces:
            return Position(1, 1)  # the raw layout could not be followed: point at the file
        line_length = cell.line_lengths[position.line - 1]
        offset = cell.line_starts[position.line - 1] + min(max(0, position.column - 1), line_length)
        offsets = [piece.offset for piece in cell.pieces]
        # an exclusive end that falls on a piece boundary belongs to the piece it ends
        index = bisect.bisect_left(offsets, offset) - 1 if at_end else bisect.bisect_right(offsets, offset) - 1
        piece = cell.pieces[max(0, index)]
        raw = _raw_index(self.raw, piece, offset - piece.offset)
        line = bisect.bisect_right(self.raw_line_starts, raw)
        return Position(line, raw - self.raw_line_starts[line - 1] + 1)


def read_notebook(data: bytes) -> Notebook:
    """Read a notebook's bytes; NotebookError names what makes it unreadable."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        megabytes = MAX_NOTEBOOK_BYTES // (1024 * 1024)
        raise NotebookError(f"notebook is too large to check ({len(data) / 1e6:.0f} MB; the limit is {megabytes} MiB)")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise NotebookError("file contains NUL bytes: binary data, not a notebook", line)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NotebookError(f"notebook is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line) from None
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        conflict = " (an unresolved merge conflict)" if _CONFLICT_RE.search(raw) else ""
        raise NotebookError(f"notebook is not valid JSON: {exc.msg}{conflict}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise NotebookError("notebook is not valid JSON: it nests too deeply") from None
    cells = _cells(document)
    language = _language(document)
    if not _is_python(language):
        return Notebook("", language, (), raw, (0,))
    spans = _source_spans(raw)
    if spans is not None and len(spans) != len(cells):
        spans = None
    return _join(cells, language, raw, spans)


def _cells(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise NotebookError("not a notebook: the JSON document is not an object")
    if "worksheets" in document or (isinstance(document.get("nbformat"), int) and document["nbformat"] < 4):
        raise NotebookError(
            "nbformat 3 notebooks are not supported: convert it with "
            "`jupyter nbconvert --to notebook --nbformat 4 --inplace FILE`"
        )
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no `cells` list")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {number} is not a JSON object")
        source = cell.get("source", "")
        if not isinstance(source, str) and not (
            isinstance(source, list) and all(isinstance(part, str) for part in source)
        ):
            raise NotebookError(f"cell {number}: `source` is neither a string nor a list of strings")
    return cells


def _is_python(language: str) -> bool:
    return language.lower().startswith(("python", "ipython"))


def _language(document: dict[str, Any]) -> str:
    """The kernel's language as the notebook names it; a notebook that does not say is Python."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str) and section[field].strip():
            return str(section[field].strip())
    return "python"


def _join(cells: list[dict[str, Any]], language: str, raw: str, spans: list[list[tuple[int, int]]] | None) -> Notebook:
    lines: list[str] = []
    code_cells: list[CodeCell] = []
    magics: list[Magic] = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        parts = [source] if isinstance(source, str) else source
        text = "".join(parts)
        if _UNSAFE_CHAR_RE.search(text):
            raise NotebookError(f"cell {number} holds a NUL character or a lone surrogate: not Python source")
        cell_lines, starts = _split_lines(text)
        if not cell_lines:
            continue
        code_cells.append(
            CodeCell(
                number=number,
                first_line=len(lines) + 1,
                line_starts=tuple(starts),
                line_lengths=tuple(len(line) for line in cell_lines),
                pieces=_pieces(parts, spans[number - 1]) if spans is not None else (),
            )
        )
        masked = mask_ipython(cell_lines)
        magics.extend(_blanked_magics(cell_lines, masked, len(lines) + 1))
        lines.extend(masked)
    code = "\n".join(lines) + "\n" if lines else ""
    line_starts = (0, *(m.end() for m in re.finditer("\n", raw)))
    return Notebook(code, language, tuple(code_cells), raw, line_starts, tuple(magics))


def _blanked_magics(original: list[str], masked: list[str], first_line: int) -> list[Magic]:
    """The magics `mask_ipython` blanked in one cell (a cell magic once, with its body size)."""
    first = next((i for i, line in enumerate(original) if line.strip()), None)
    if first is None:
        return []
    found: list[Magic] = []
    if _CELL_MAGIC_RE.match(original[first]):
        body = sum(1 for line in original[first + 1 :] if line.strip())
        found.append(Magic(first_line + first, 0, original[first].strip(), body))
        if all(not line.strip() for line in masked):
            return found  # a non-Python cell magic: its body is another language, not magics
    for index, (line, after) in enumerate(zip(original, masked, strict=True)):
        if index == first and found:
            continue
        stripped = line.strip()
        if stripped and after.strip() in ("", "pass") and after != line:
            found.append(Magic(first_line + index, len(line) - len(line.lstrip()), stripped))
    return found


def _split_lines(text: str) -> tuple[list[str], list[int]]:
    """The cell's lines (as Python counts them) and where each starts; a final newline ends a line."""
    lines: list[str] = []
    starts: list[int] = []
    position = 0
    for match in _NEWLINE_RE.finditer(text):
        lines.append(text[position : match.start()])
        starts.append(position)
        position = match.end()
    if position < len(text):
        lines.append(text[position:])
        starts.append(position)
    return lines, starts


def _pieces(parts: list[str], spans: list[tuple[int, int]]) -> tuple[_Piece, ...]:
    if len(parts) != len(spans):
        return ()
    pieces = []
    offset = 0
    for part, (start, end) in zip(parts, spans, strict=True):
        pieces.append(_Piece(offset, len(part), start, end))
        offset += len(part)
    return tuple(pieces)


# -- IPython syntax ------------------------------------------------------------------------
def mask_ipython(lines: list[str]) -> list[str]:
    """The cell's lines with IPython syntax blanked: same number of lines, each where it was.

    A magic or shell line inside an indented block becomes `pass` at its indentation, so that
    `if IN_COLAB:` / `    !pip install ...` stays valid Python."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return list(lines)
    cell_magic = _CELL_MAGIC_RE.match(lines[first])
    if cell_magic:
        if cell_magic.group(1) not in _PYTHON_CELL_MAGICS:
            return ["" for _ in lines]  # %%bash, %%sql, %%writefile ...: not Python
        lines = [*lines[:first], "", *lines[first + 1 :]]
    masked: list[str] = []
    state = _LineState()
    continues_magic = False
    for line in lines:
        if continues_magic:
            masked.append("")
            continues_magic = line.rstrip().endswith("\\")
            continue
        if state.at_statement_start and _is_ipython_line(line, state):
            indent = line[: len(line) - len(line.lstrip())]
            masked.append(f"{indent}pass" if indent else "")
            continues_magic = line.rstrip().endswith("\\")
            continue
        state.feed(line)
        masked.append(line)
    return masked


def _is_ipython_line(line: str, state: _LineState) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return False
    if stripped[0] in "%!?" or _ASSIGNED_MAGIC_RE.match(line):
        return True
    # `model.fit?` / `np.where??`: help, recognisable by a `?` ending the code outside any string
    probe = state.copy()
    comment = probe.feed(line)
    return probe.quote is None and line[:comment].rstrip().endswith("?")


class _LineState:
    """Just enough tokenizing to know whether a line starts a new statement: open brackets,
    strings that span lines, backslash continuations."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None  # the delimiter of a string left open at the end of a line
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def copy(self) -> _LineState:
        other = _LineState()
        other.depth, other.quote, other.continued = self.depth, self.quote, self.continued
        return other

    def feed(self, line: str) -> int:
        """Advance over one line; return where its comment starts (its length if none)."""
        i, n = 0, len(line)
        comment = n
        while i < n:
            if self.quote is not None:
                if line[i] == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            char = line[i]
            if char == "#":
                comment = i
                break
            if char in "'\"":
                self.quote = char * 3 if line.startswith(char * 3, i) else char
                i += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        ends_with_backslash = line[:comment].endswith("\\") and comment == n
        if self.quote is not None and len(self.quote) == 1 and not ends_with_backslash:
            self.quote = None  # an unterminated one-line string: a syntax error the parser reports
        self.continued = ends_with_backslash and self.quote is None
        return comment


# -- the raw layout ------------------------------------------------------------------------
class _Layout(Exception):
    """The raw JSON does not have the shape the values said it has."""


def _source_spans(raw: str) -> list[list[tuple[int, int]]] | None:
    """Per cell, the raw (start, end) of each JSON string of its `source`; None if unusual."""
    spans: list[list[tuple[int, int]]] = []

    def top_member(key: str, start: int) -> int:
        if key == "cells" and raw.startswith("[", start):
            spans.clear()
            return _walk_array(raw, start, lambda _index, value: cell_value(value))
        return _skip(raw, start)

    def cell_value(start: int) -> int:
        found: list[tuple[int, int]] = []
        spans.append(found)
        if not raw.startswith("{", start):
            raise _Layout

        def cell_member(key: str, value: int) -> int:
            if key != "source":
                return _skip(raw, value)
            found.clear()
            if raw.startswith('"', value):
                end = _skip(raw, value)
                found.append((value, end))
                return end

            def source_part(_index: int, part: int) -> int:
                end = _skip(raw, part)
                found.append((part, end))
                return end

            return _walk_array(raw, value, source_part)

        return _walk_object(raw, start, cell_member)

    try:
        start = _ws(raw, 0)
        if not raw.startswith("{", start):
            return None
        _walk_object(raw, start, top_member)
    except (_Layout, ValueError, IndexError, RecursionError):
        return None
    return spans


def _ws(raw: str, start: int) -> int:
    """Past the JSON whitespace at raw[start:]."""
    match = _WHITESPACE_RE.match(raw, start)
    return match.end() if match else start


def _skip(raw: str, start: int) -> int:
    return _DECODER.raw_decode(raw, start)[1]


def _walk_object(raw: str, start: int, member: Any) -> int:
    """Walk the object at raw[start] == '{', calling member(key, value_start) -> value_end."""
    i = _ws(raw, start + 1)
    if raw.startswith("}", i):
        return i + 1
    while True:
        key, i = _DECODER.raw_decode(raw, i)
        i = _ws(raw, i)
        if not raw.startswith(":", i):
            raise _Layout
        i = member(key, _ws(raw, i + 1))
        i = _ws(raw, i)
        if raw.startswith(",", i):
            i = _ws(raw, i + 1)
        elif raw.startswith("}", i):
            return i + 1
        else:
            raise _Layout


def _walk_array(raw: str, start: int, element: Any) -> int:
    """Walk the array at raw[start] == '[', calling element(index, value_start) -> value_end."""
    if not raw.startswith("[", start):
        raise _Layout
    i = _ws(raw, start + 1)
    if raw.startswith("]", i):
        return i + 1
    index = 0
    while True:
        i = _ws(raw, element(index, i))
        index += 1
        if raw.startswith(",", i):
            i = _ws(raw, i + 1)
        elif raw.startswith("]", i):
            return i + 1
        else:
            raise _Layout


def _raw_index(raw: str, piece: _Piece, index: int) -> int:
    """Index in the raw file of the `index`-th decoded character of a JSON string (its end if
    `index` is its length), stepping over escapes: `\\n` and `\\"` are 2 raw characters, `\\u00e9`
    is 6, a surrogate pair 12."""
    i = piece.raw_start + 1
    last = piece.raw_end - 1  # the closing quote
    for _ in range(index):
        if i >= last:
            break
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1] != "u":
            i += 2
        else:
            high = int(raw[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= high < 0xDC00 and raw.startswith("\\u", i) and 0xDC00 <= int(raw[i + 2 : i + 6], 16) < 0xE000:
                i += 6
    return min(i, last)
