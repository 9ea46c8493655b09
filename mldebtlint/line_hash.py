"""GitHub code scanning's `primaryLocationLineHash`, computed the way its upload action does.

The action (github/codeql-action, src/fingerprints.ts) hashes every line of a file: a rolling
polynomial hash (base 37, 64-bit wrap-around) over the 100 UTF-16 code units that start at the
line's first character, after dropping spaces and tabs and turning `\\r\\n` and `\\r` into `\\n`;
the file ends with the code unit 65535 and then zeros. The value is the unsigned hash in hex plus
`:N`, N counting the lines so far with the same hash. Code scanning uses it to follow an alert
across commits, so a SARIF file that carries it must carry exactly the action's value.

Rather than roll the hash over every character of the file in Python, this keeps the 100-unit
window of each line as a string (cheap C-level slicing) and hashes only the lines asked for;
occurrences are counted by equal windows, which agrees with the action's count unless two
different windows of one file collide in 64 bits.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate

BLOCK_SIZE = 100
BASE = 37
END_OF_FILE = "\uffff"
_MASK = (1 << 64) - 1
_BEYOND_BMP_RE = re.compile("[\U00010000-\U0010ffff]")
_LAYOUT = str.maketrans("", "", " \t")


def _utf16_units(match: re.Match[str]) -> str:
    # JavaScript strings count UTF-16 code units: one astral character is a surrogate pair
    value = ord(match.group()) - 0x10000
    return chr(0xD800 + (value >> 10)) + chr(0xDC00 + (value & 0x3FF))


def _hash_window(window: str) -> str:
    value = 0
    for unit in window:
        value = (value * BASE + ord(unit)) & _MASK
    return f"{value:x}"


def line_hashes(text: str, lines: Iterable[int]) -> dict[int, str]:
    """`primaryLocationLineHash` of each of the 1-based `lines` of a file holding `text`
    (the file as GitHub reads it: UTF-8, byte-order mark included). Lines past the end have none."""
    wanted = sorted(set(lines))
    if not wanted:
        return {}
    stream = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LAYOUT)
    if _BEYOND_BMP_RE.search(stream):
        stream = _BEYOND_BMP_RE.sub(_utf16_units, stream)
    stream += END_OF_FILE + "\0" * (BLOCK_SIZE - 1)
    # line k starts after the (k-1)th newline; the last line may be the empty one after a final "\n"
    starts = [0, *accumulate(len(part) + 1 for part in stream[:-BLOCK_SIZE].split("\n")[:-1])]
    seen: Counter[str] = Counter()
    hashes: dict[int, str] = {}
    targets = iter(wanted)
    target = next(targets)
    for number, start in enumerate(starts, 1):
        window = stream[start : start + BLOCK_SIZE]
        seen[window] += 1
        if number == target:
            hashes[number] = f"{_hash_window(window)}:{seen[window]}"
            target = next(targets, 0)
            if not target:
                break
    return hashes
