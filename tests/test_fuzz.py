"""Fuzzing: whatever the input, checking never raises, every problem becomes an MLD0xx finding,
and the same input gives the same findings.

Two sources of input: hypothesmith (syntactically valid Python from the grammar and from libcst
node types) and real files from this repository, mutated (truncated, bytes flipped, lines
shuffled, chunks inserted or dropped). CI runs a bounded number of examples;
MLDEBTLINT_FUZZ_EXAMPLES=5000 runs a longer, randomly seeded session.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldebtlint.api import check_text
from mldebtlint.config import Settings, load_settings
from mldebtlint.discovery import Candidate
from mldebtlint.engine import Engine, recursion_headroom
from mldebtlint.ftypes import Finding, Report
from tests.conftest import FIXTURES, REPO

# CI budget per strategy (generating from libcst nodes is slow: ~0.4 s an example);
# MLDEBTLINT_FUZZ_EXAMPLES=N runs N examples of each, seeded randomly, for a longer session
LONG_RUN = os.environ.get("MLDEBTLINT_FUZZ_EXAMPLES")
recursion_headroom()  # before Hypothesis saves the limit, so it does not warn about the change
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # from compiling generated code


def fuzz(examples: int) -> settings:
    """Hypothesis settings: `examples` in CI (derandomized, reproducible), or the long run."""
    return settings(
        max_examples=int(LONG_RUN) if LONG_RUN else examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        derandomize=LONG_RUN is None,
    )


# read once: the strategy must not change under Hypothesis if a file is edited during a run
SEEDS = {
    path.relative_to(REPO).as_posix(): path.read_bytes()
    for path in sorted([*(REPO / "mldebtlint").rglob("*.py"), *FIXTURES.rglob("*.py")])
    if path.stat().st_size < 40_000  # big seeds make slow examples without finding more
}


@lru_cache(maxsize=1)
def _settings() -> Settings:
    """Every rule enabled, rooted in a throwaway project."""
    root = Path(tempfile.mkdtemp(prefix="mldebtlint-fuzz-"))
    (root / ".git").mkdir()
    return load_settings(root)


def _signature(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.code, f.path, f.start, f.end, f.message, f.fingerprint, f.severity) for f in findings]


def _assert_well_formed(report: Report, text: str) -> None:
    """Every finding is a known code, inside the file, and no internal error happened."""
    line_count = len(re.split("\r\n|\r|\n", text))  # Python's line breaks, lone CR included
    for finding in report.findings:
        assert finding.code in report.rules, finding
        assert finding.code != "MLD009", finding.message
        assert 1 <= finding.start.line <= line_count, finding
        assert finding.start.column >= 1, finding
        assert (finding.start.line, finding.start.column) <= (finding.end.line, finding.end.column), finding


def _cpython_error(source: str | bytes) -> str | None:
    """CPython's verdict: None if its parser accepts the source (builds a tree, runs nothing)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning: 'int' object is not callable, ...
            compile(source, "<fuzz>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        return str(exc)
    return None


def _check_text_holds(text: str) -> Report:
    """The invariants for one text: no exception, well-formed findings, deterministic."""
    first = check_text(text, "fuzzed.py", _settings())
    second = check_text(text, "fuzzed.py", _settings())
    assert _signature(first.findings) == _signature(second.findings)
    assert _signature([s for s, _ in first.suppressed]) == _signature([s for s, _ in second.suppressed])
    _assert_well_formed(first, text)
    return first


@given(hypothesmith.from_grammar())
@fuzz(50)
def test_grammar_generated_python_never_raises(text: str) -> None:
    report = _check_text_holds(text)
    # the grammar strategy only yields code CPython accepts: no false syntax error
    assert [f.message for f in report.findings if f.code == "MLD001"] == []


@given(hypothesmith.from_node(cst.Module))
@fuzz(10)
def test_libcst_node_generated_python_never_raises(text: str) -> None:
    _check_text_holds(text)


def _mutate(data: st.DataObject, source: bytes) -> bytes:
    """Apply one to three random mutations to `source`."""
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        kind = data.draw(st.sampled_from(["truncate", "flip", "shuffle", "drop", "insert", "duplicate"]))
        size = len(source)
        if kind == "truncate":
            source = source[: data.draw(st.integers(0, size))]
        elif kind == "flip" and size:
            buffer = bytearray(source)
            for _ in range(data.draw(st.integers(1, 8))):
                index = data.draw(st.integers(0, size - 1))
                buffer[index] ^= data.draw(st.integers(1, 255))
            source = bytes(buffer)
        elif kind == "shuffle":
            lines = source.splitlines(keepends=True)
            source = b"".join(data.draw(st.permutations(lines))) if len(lines) < 400 else source
        elif kind == "drop" and size:
            start = data.draw(st.integers(0, size - 1))
            source = source[:start] + source[start + data.draw(st.integers(1, 200)) :]
        elif kind == "insert":
            at = data.draw(st.integers(0, size))
            chunk = data.draw(
                st.one_of(
                    st.binary(max_size=16),
                    st.sampled_from([b"(", b")", b"[", b"\t", b"\r", b"\r\n", b"\x0c", b"\\\n", b"\xef\xbb\xbf"]),
                    st.sampled_from(
                        [b"# noqa: MLD999\n", b"# mldebtlint: ignore[MLD6]\n", b"# -*- coding: latin-1 -*-\n"]
                    ),
                    st.text(max_size=8).map(lambda t: t.encode("utf-8", "surrogatepass")),
                )
            )
            source = source[:at] + chunk + source[at:]
        elif kind == "duplicate":
            lines = source.splitlines(keepends=True)
            if lines:
                index = data.draw(st.integers(0, len(lines) - 1))
                lines.insert(index, lines[index])
                source = b"".join(lines)
    return source


@lru_cache(maxsize=1)
def _engine_and_dir() -> tuple[Engine, Path]:
    recursion_headroom()
    root = _settings().root
    return Engine(_settings()), root


@given(st.sampled_from(sorted(SEEDS)), st.data())
@fuzz(200)
def test_mutated_real_files_never_raise(seed: str, data: st.DataObject) -> None:
    mutated = _mutate(data, SEEDS[seed])
    engine, root = _engine_and_dir()
    target = root / "mutated.py"
    target.write_bytes(mutated)
    candidate = Candidate(target, "mutated.py")
    first = engine.check(candidate)
    fresh = Engine(_settings()).check(candidate)  # no state carried over from earlier files
    assert _signature(first.findings) == _signature(fresh.findings)
    report = Report(
        findings=first.findings, suppressed=[], files_checked=1, lines_checked=0, rules=_settings().catalog.rules
    )
    text = mutated.decode("utf-8", "replace")
    _assert_well_formed(report, text)
    codes = {f.code for f in first.findings}
    if _cpython_error(mutated) is None:
        # what CPython accepts is never refused (libcst's grammar is newer, so not the converse)
        assert not codes & {"MLD001", "MLD003"}, f"CPython accepts {mutated!r} but mldebtlint says {first.findings}"
