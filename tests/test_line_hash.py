"""GitHub's primaryLocationLineHash: the upload action's own test vectors, a value worked out by
hand from the algorithm, and a character-by-character reference on generated text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mldebtlint.api import check_paths, check_text
from mldebtlint.config import load_settings
from mldebtlint.line_hash import line_hashes


def _all_lines(text: str) -> list[str]:
    count = len(re.split(r"\r\n|\r|\n", text))
    hashes = line_hashes(text, range(1, count + 1))
    return [hashes[n] for n in range(1, count + 1)]


# expected values published in github/codeql-action src/fingerprints.test.ts
GREETINGS = [
    "e9496ae3ebfced30:1",
    "fb7c023a8b9ccb3f:1",
    "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1",
    "b3edc88f2938467e:1",
    "c8e28b0b4002a3a0:1",
    "c129715d7a2bc9a3:1",
]


def test_upload_action_vectors_empty_file_and_mixed_whitespace() -> None:
    assert _all_lines("") == ["c129715d7a2bc9a3:1"]
    assert _all_lines(" a\nb\n  \t\tc\n d") == [
        "271789c17abda88f:1",
        "54703d4cd895b18:1",
        "180aee12dab6264:1",
        "a23a3dc5e078b07b:1",
    ]
    assert _all_lines(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End") == [
        "8b7cf3e952e7aeb2:1",
        "b1ae1287ec4718d9:1",
        "bff680108adb0fcc:1",
        "c6805c5e1288b612:1",
        "b86d3392aea1be30:1",
        "e6ceba753e1a442:1",
    ]


def test_upload_action_vectors_every_newline_convention() -> None:
    for text in (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
        " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
        " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
        " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
    ):
        assert _all_lines(text) == GREETINGS, repr(text)


def test_upload_action_vectors_repeated_lines_count_occurrences() -> None:
    assert _all_lines("Lorem ipsum dolor sit amet.\n" * 10) == [
        *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
        "a7f2ff1481e87703:1",
        "a9cf91f7bbf1862b:1",
        "55ec222b86bcae53:1",
        "cc97dc7b1d7d8f7b:1",
        "c129715d7a2bc9a3:1",
    ]


def test_value_worked_out_by_hand() -> None:
    # "x = 1\n": line 1's window is "x=1\n", the end-of-file unit 65535, then 95 zeros;
    # the hash is sum(unit * 37 ** (99 - position)) modulo 2**64, in hex
    value = (ord("x") * 37**99 + ord("=") * 37**98 + ord("1") * 37**97 + 10 * 37**96 + 65535 * 37**95) % 2**64
    assert line_hashes("x = 1\n", [1]) == {1: f"{value:x}:1"}
    # line 2 is the empty line after the final newline: 65535 then zeros, as for an empty file
    assert line_hashes("x = 1\n", [2]) == {2: f"{65535 * 37**99 % 2**64:x}:1"} == {2: "c129715d7a2bc9a3:1"}


def test_astral_characters_count_as_two_utf16_units() -> None:
    value = (0xD83D * 37**99 + 0xDE00 * 37**98 + 65535 * 37**97) % 2**64
    assert line_hashes("\U0001f600", [1]) == {1: f"{value:x}:1"}


def test_lines_past_the_end_have_no_hash() -> None:
    assert line_hashes("a\n", [5]) == {}


def _reference(text: str) -> list[str]:
    """The action's algorithm character by character: a rolling hash over a 100-unit window."""
    data = text.encode("utf-16-le", "surrogatepass")
    units = [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]
    window = [0] * 100
    owners = [-1] * 100
    value, index, line, at_line_start, after_cr = 0, 0, 0, True, False
    counts: dict[str, int] = {}
    out: list[str] = []

    def emit() -> None:
        key = f"{value:x}"
        counts[key] = counts.get(key, 0) + 1
        out.append(f"{key}:{counts[key]}")
        owners[index] = -1

    def push(unit: int) -> None:
        nonlocal value, index
        value = (37 * value + unit - 37**100 * window[index]) % 2**64
        window[index] = unit
        index = (index + 1) % 100

    for unit in [*units, 65535]:
        if unit in (32, 9) or (after_cr and unit == 10):
            after_cr = False
            continue
        after_cr = unit == 13
        unit = 10 if unit == 13 else unit
        if owners[index] != -1:
            emit()
        if at_line_start:
            at_line_start = False
            line += 1
            owners[index] = line
        at_line_start = unit == 10
        push(unit)
    for _ in range(100):
        if owners[index] != -1:
            emit()
        push(0)
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", " ", "\t", "\n", "\r", "é", "\U0001f600", "x = 1\n"]), max_size=300).map(
        "".join
    )
)
def test_matches_the_character_by_character_algorithm(text: str) -> None:
    assert _all_lines(text) == _reference(text)


def test_findings_carry_the_line_hash_of_their_line(project) -> None:
    code = "from datasets import load_dataset\n\nds = load_dataset('imdb')\n"
    [finding] = check_text(code, "t.py", load_settings(project)).findings
    assert (finding.code, finding.start.line) == ("MLD201", 3)
    assert finding.line_hash == line_hashes(code, [3])[3]


def test_line_hash_reads_the_file_as_github_does_bom_kept_and_bytes_as_utf8(project) -> None:
    # Node keeps a UTF-8 byte-order mark (nodejs/node#3040) and decodes other bytes as UTF-8
    code = "# -*- coding: latin-1 -*-\nfrom datasets import load_dataset\nds = load_dataset('caf\xe9')\n"
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + code.replace("latin-1", "utf-8").encode("utf-8"))
    (project / "latin.py").write_bytes(code.encode("latin-1"))
    settings = load_settings(project)
    report = check_paths([project], settings)
    hashes = {f.path: f.line_hash for f in report.findings}
    assert hashes == {
        "bom.py": line_hashes("\ufeff" + code.replace("latin-1", "utf-8"), [3])[3],
        "latin.py": line_hashes(code.replace("\xe9", "\ufffd"), [3])[3],
    }
    assert hashes["latin.py"] != line_hashes(code, [3])[3]
