"""Positions from our recorder equal libcst's PositionProvider for every node kind we report."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from mldebtlint.positions import locate
from tests.conftest import FIXTURES, REPO


def test_locate_matches_position_provider_on_real_files() -> None:
    files = sorted((REPO / "mldebtlint").rglob("*.py")) + sorted(FIXTURES.rglob("*.py"))
    checked = 0
    for path in files:
        try:
            module = cst.parse_module(path.read_bytes())
        except (cst.ParserSyntaxError, UnicodeDecodeError, ValueError, SyntaxError):
            continue
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        nodes = [
            n
            for n in expected
            if isinstance(
                n, (cst.Call, cst.If, cst.Else, cst.SimpleStatementLine, cst.FunctionDef, cst.Comparison, cst.Attribute)
            )
        ]
        got = locate(module, nodes)
        for node in nodes:
            r = expected[node]
            assert got[node] == ((r.start.line, r.start.column), (r.end.line, r.end.column)), (path, node)
            checked += 1
    assert checked > 1000


def test_locate_handles_crlf_and_decorators() -> None:
    module = cst.parse_module("@dec\r\ndef f():\r\n    return g(1)\r\n")
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [n for n in expected if isinstance(n, (cst.FunctionDef, cst.Call, cst.Return))]
    got = locate(module, nodes)
    for node in nodes:
        r = expected[node]
        assert got[node] == ((r.start.line, r.start.column), (r.end.line, r.end.column))
