"""GitHub code scanning's `primaryLocationLineHash`, computed the way its upload action does.

The action (github/codeql-action, src/fingerprints.ts) hashes every line of a file: a rolling
polynomial hash (base 37, 64-bit wrap-around) over the 100 UTF-16 code units that start at the
line's first character, after dropping spaces and tabs and turning `\\r\\n` and `\\r` into `\\n`;
the file ends with the code unit 65535 and then zeros. The value is the unsigned hash in hex plus
`:N`, N counting the lines so far with the same hash. Code scanning uses it to follow an alert
across commits, so a SARIF file that carries it must carry exactly the action's value.

Rather than roll the hash over every character of the file in Python, this hashes only the
lines asked for, and counts occurrences by searching the earlier lines for the same window
(a C-level substring search): that agrees with the action's count unless two different windows
of one file collide in 64 bits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from mldebtlint.ftypes import FileResult

BLOCK_SIZE = 100
BASE = 37
END_OF_FILE = "\uffff"
_MASK = (1 << 64) - 1
_BEYOND_BMP_RE = re.compile("[\U00010000-\U0010ffff]")


def _utf16_units(match: re.Match[str]) -> str:
    # JavaScript strings count UTF-16 code units: one astral character is a surrogate pair
    value = ord(match.group()) - 0x10000
    return chr(0xD800 + (value >> 10)) + chr(0xDC00 + (value & 0x3FF))


def _hash_window(window: str) -> str:
    value = 0
    for unit in map(ord, window):
        value = value * BASE + unit
    return f"{value & _MASK:x}"


def _occurrence(stream: str, window: str, start: int) -> int:
    """How many lines up to the one starting at `start` begin with this same window."""
    count = 0
    limit = start + len(window)
    at = stream.find(window, 0, limit)
    while at != -1:
        if at == 0 or stream[at - 1] == "\n":
            count += 1
        at = stream.find(window, at + 1, limit)
    return count


def line_hashes(text: str, lines: Iterable[int]) -> dict[int, str]:
    """`primaryLocationLineHash` of each of the 1-based `lines` of a file holding `text`
    (the file as GitHub reads it: UTF-8, byte-order mark included). Lines past the end have none."""
    wanted = sorted({n for n in lines if n >= 1})
    if not wanted:
        return {}
    stream = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    stream = stream.replace(" ", "").replace("\t", "")
    if not stream.isascii() and _BEYOND_BMP_RE.search(stream):
        stream = _BEYOND_BMP_RE.sub(_utf16_units, stream)
    # line k starts after the (k-1)th newline; the last line may be the empty one after a final "\n"
    pieces = stream.split("\n")
    stream += END_OF_FILE + "\0" * (BLOCK_SIZE - 1)
    hashes: dict[int, str] = {}
    start, line = 0, 1
    for target in wanted:
        if target > len(pieces):
            break
        start += sum(map(len, pieces[line - 1 : target - 1])) + target - line
        line = target
        window = stream[start : start + BLOCK_SIZE]
        hashes[target] = f"{_hash_window(window)}:{_occurrence(stream, window, start)}"
    return hashes


def with_line_hashes(result: FileResult, stored: str) -> FileResult:
    """Give each finding GitHub's line hash, from the file as stored (GitHub reads it as UTF-8)."""
    if result.findings:
        hashes = line_hashes(stored, ((f.raw_start or f.start).line for f in result.findings))
        result.findings = [replace(f, line_hash=hashes.get((f.raw_start or f.start).line)) for f in result.findings]
    return result
