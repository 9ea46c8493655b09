"""The bad-input matrix: each bad file gives its exact diagnostic (or is checked normally when it
is in fact fine), and a smelly file next to it is still checked."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

import mldebtlint.discovery
from tests.conftest import run_cli

SMELLY = 'from datasets import load_dataset\nd = load_dataset("imdb")\n'
SMELL_MESSAGE = '`load_dataset` loads a dataset `"imdb"` without `revision=`: it can change under you'
# the finding in smelly.py that every scan below must still report
SMELL = ("MLD201", "smelly.py", 2, 5, SMELL_MESSAGE)


def scan(project: Path, *args: str) -> list[tuple[str, str, int, int, str]]:
    """Check the project (with a smelly.py beside whatever the test wrote); findings as tuples."""
    (project / "smelly.py").write_text(SMELLY)
    result = run_cli("check", ".", "--format", "json", *args, cwd=project)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [
        (r["code"], r["filename"], r["location"]["row"], r["location"]["column"], r["message"])
        for r in json.loads(result.output)["results"]
    ]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param(
            "invalid.py",
            b"def f(:\n    pass\n",
            [("MLD001", "invalid.py", 1, 7, "syntax error: invalid syntax")],
            id="invalid-syntax",
        ),
        pytest.param(
            "py2.py",
            b'import os\nprint "hello", os.sep\n',
            [
                (
                    "MLD001",
                    "py2.py",
                    2,
                    1,
                    "syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?",
                )
            ],
            id="python2-print",
        ),
        pytest.param(
            "py2.py",
            b"x = 0777L\n",
            [
                (
                    "MLD001",
                    "py2.py",
                    1,
                    5,
                    "syntax error: leading zeros in decimal integer literals are not permitted; "
                    "use an 0o prefix for octal integers",
                )
            ],
            id="python2-octal",
        ),
        pytest.param(
            "legacy.py",
            b'x = 1\nname = "caf\xe9"\n',
            [
                (
                    "MLD003",
                    "legacy.py",
                    2,
                    12,
                    "not valid utf-8 (byte 0xe9) and no coding cookie declares another encoding",
                )
            ],
            id="non-utf8-without-cookie",
        ),
        pytest.param(
            "nul.py",
            b'x = 1\ny = "\x00"\n',
            [("MLD003", "nul.py", 2, 1, "file contains NUL bytes: binary data, not Python source")],
            id="nul-bytes",
        ),
        pytest.param(
            "image.py",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            [("MLD003", "image.py", 3, 1, "file contains NUL bytes: binary data, not Python source")],
            id="binary-named-py",
        ),
        pytest.param(
            "blob.py",
            b"\xff\xfe\xfd" * 100,
            [
                (
                    "MLD003",
                    "blob.py",
                    1,
                    1,
                    "not valid utf-8 (byte 0xff) and no coding cookie declares another encoding",
                )
            ],
            id="binary-without-nul",
        ),
        pytest.param(
            "cookie.py",
            b"# -*- coding: klingon -*-\nx = 1\n",
            [("MLD003", "cookie.py", 1, 1, "bad encoding declaration: unknown encoding: klingon")],
            id="unknown-cookie",
        ),
        pytest.param("empty.py", b"", [], id="empty-file"),
        pytest.param(
            "noqa.py",
            b"x = 1  # noqa: MLD999 -- no such rule\n",
            [("MLD006", "noqa.py", 1, 8, "suppression names an unknown rule code MLD999")],
            id="unknown-noqa-code",
        ),
    ],
)
def test_bad_file_gives_its_diagnostic_and_the_scan_goes_on(
    project: Path, name: str, data: bytes, expected: list[tuple[str, str, int, int, str]]
) -> None:
    (project / name).write_bytes(data)
    assert sorted(scan(project)) == sorted([*expected, SMELL])


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        pytest.param(
            b'# -*- coding: latin-1 -*-\nfrom datasets import load_dataset\ns = "caf\xe9"; d = load_dataset("imdb")\n',
            3,
            17,
            id="latin1-cookie",
        ),
        pytest.param(
            b'# M\xfcller -*- coding: latin-1 -*-\nfrom datasets import load_dataset\nd = load_dataset("imdb")\n',
            3,
            5,
            id="latin1-cookie-on-a-latin1-line",
        ),
        pytest.param(b"\xef\xbb\xbf" + SMELLY.encode(), 2, 5, id="utf8-bom"),
        pytest.param(b"\xef\xbb\xbf# coding: utf-8\n" + SMELLY.encode(), 3, 5, id="utf8-bom-and-cookie"),
        pytest.param(b"x = 1\r\n" + SMELLY.replace("\n", "\r\n").encode(), 3, 5, id="crlf"),
        pytest.param(b"x = 1\r" + SMELLY.replace("\n", "\r").encode(), 3, 5, id="lone-cr"),
        pytest.param(b"x = 1\r\ny = 2\r" + SMELLY.encode(), 4, 5, id="mixed-line-endings"),
        pytest.param(
            '"""ünïcödé ✓"""\n'.encode() + SMELLY.encode().replace(b"d = ", "é = ".encode()), 3, 5, id="non-ascii"
        ),
    ],
)
def test_unusual_but_valid_files_are_checked_normally(project: Path, data: bytes, line: int, column: int) -> None:
    (project / "odd.py").write_bytes(data)
    assert scan(project) == [("MLD201", "odd.py", line, column, SMELL_MESSAGE), SMELL]


def test_python2_except_comma_is_parsed_as_python_3_14(project: Path) -> None:
    # PEP 758 (3.14) made `except A, B:` valid; libcst 1.9 parses with the newest grammar
    (project / "py2.py").write_bytes(b"try:\n    pass\nexcept Exception, e:\n    pass\n")
    assert scan(project) == [SMELL]


def test_twenty_megabyte_file_is_checked(project: Path) -> None:
    # a generated module: some code, a 20 MB data blob, then a finding that must still be placed
    blob = "0123456789abcdef" * (20_000_000 // 16)
    text = "import base64\n\nWEIGHTS = base64.b64decode(\n    '" + blob + "'\n)\n" + SMELLY
    (project / "generated.py").write_text(text)
    assert (project / "generated.py").stat().st_size > 20_000_000
    assert scan(project) == [("MLD201", "generated.py", 7, 5, SMELL_MESSAGE), SMELL]


def _nested(opening: str, closing: str, depth: int = 5000) -> str:
    return "x = " + opening * depth + "1" + closing * depth + "\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_nested("(", ")"), id="parentheses"),
        pytest.param(_nested("[", "]"), id="lists"),
        pytest.param(_nested("{1: ", "}"), id="dicts"),
        pytest.param(_nested("-(", ")"), id="negations"),
        pytest.param(_nested("a[", "]"), id="subscripts"),
        pytest.param(_nested("f(x=", ")"), id="keyword-calls"),
        pytest.param(_nested("(lambda: ", ")"), id="lambdas"),
        pytest.param('x = f"{' + "(" * 5000 + "1" + ")" * 5000 + '}"\n', id="inside-an-f-string"),
        pytest.param(
            'x = f"{' + "(" * 150 + "f'{" + "[" * 150 + "1" + "]" * 150 + "}'" + ")" * 150 + '}"\n',
            id="f-string-in-f-string",
        ),
    ],
)
def test_brackets_nested_5000_deep_are_refused_before_parsing(project: Path, text: str) -> None:
    # libcst 1.9.0's native parser segfaults between 1,000 and 2,000 levels: never hand it these
    (project / "deep.py").write_text(text)
    assert scan(project) == [
        ("MLD001", "deep.py", 1, 1, "syntax error: brackets nest deeper than Python allows (201 levels)"),
        SMELL,
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "if a:\n    pass\n" + "elif a:\n    pass\n" * 5000 + 'else:\n    x = load_dataset("imdb")\n',
            id="elif-chain",
        ),
    ],
)
def test_deep_trees_with_a_finding_are_a_diagnostic_not_a_crash(project: Path, text: str) -> None:
    # the walk copes, but placing the finding regenerates code through more frames than Python allows
    (project / "deep.py").write_text("from datasets import load_dataset\n" + text)
    assert scan(project) == [("MLD001", "deep.py", 1, 1, "cannot analyse: code nests too deeply"), SMELL]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x = " + "lambda: " * 5000 + "1\n", id="lambdas"),
        pytest.param("x = " + "lambda a, b=(1, 2): " * 5000 + "a\n", id="lambdas-with-parameters"),
        pytest.param("x = " + "lambda: 1 if a else " * 5000 + "1\n", id="lambdas-in-conditionals"),
        pytest.param("x = " + "not " * 10000 + "a\n", id="nots"),
        pytest.param("x = " + "-" * 10000 + "a\n", id="minus-signs"),
        pytest.param("x = " + "- ~ + " * 4000 + "a\n", id="unary-operators"),
        pytest.param("x = " + "lambda: not " * 4000 + "a\n", id="lambdas-and-nots"),
        pytest.param("x = " + "**".join(["a"] * 10000) + "\n", id="powers"),
        pytest.param("x = " + "**-".join(["a.b"] * 10000) + "\n", id="powers-of-negations"),
    ],
)
def test_lambdas_and_unary_operators_nested_deep_are_refused_before_parsing(project: Path, text: str) -> None:
    # libcst 1.9.0's native parser segfaults on lambdas nested 3,500 deep (CPython refuses 3,000)
    # and on 10,000 `not`, `-` or `a ** a` in a row
    (project / "deep.py").write_text(text)
    message = "syntax error: lambdas and operators nest too deeply to parse safely (1001 levels)"
    assert scan(project) == [("MLD001", "deep.py", 1, 1, message), SMELL]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x = " + " and ".join(["a"] * 10000) + "\n", id="and-chain"),
        pytest.param("x = (" + " + ".join(["a"] * 10000) + ")\n", id="sum"),
        pytest.param("x = " + "1 if a else " * 10000 + "1\n", id="conditionals"),
    ],
)
def test_binary_operator_chains_10000_long_are_refused_before_parsing(project: Path, text: str) -> None:
    # libcst nests binary operators one in another: 10,000 `and` segfault it, long sums are very slow
    (project / "deep.py").write_text(text)
    message = "syntax error: lambdas and operators nest too deeply to parse safely (3001 levels)"
    assert scan(project) == [("MLD001", "deep.py", 1, 1, message), SMELL]


def test_many_lambdas_and_operators_side_by_side_are_fine(project: Path) -> None:
    table = ", ".join(f"{i}: lambda a, b=(1, 2): a if not b else lambda: -{i}" for i in range(1500))
    chain = " and ".join(f"not -a{i} - -1 + a.b**2" for i in range(700))
    (project / "dispatch.py").write_text(f"DISPATCH = {{{table}}}\n# {'-' * 3000}\nx = {chain}\n" + SMELLY)
    assert scan(project) == [("MLD201", "dispatch.py", 5, 5, SMELL_MESSAGE), SMELL]


def test_brackets_in_strings_and_comments_do_not_count_as_nesting(project: Path) -> None:
    text = 'PATTERN = "' + "(" * 300 + '"\n# ' + "[" * 300 + "\n" + SMELLY
    (project / "strings.py").write_text(text)
    assert scan(project) == [SMELL, ("MLD201", "strings.py", 4, 5, SMELL_MESSAGE)]


def test_symlink_loops_and_dangling_links(project: Path) -> None:
    (project / "loop.py").symlink_to(project / "loop.py")
    (project / "gone.py").symlink_to(project / "missing.py")
    (project / "pkg").mkdir()
    (project / "pkg" / "again").symlink_to(project)  # a directory loop: links are not walked into
    assert scan(project) == [
        ("MLD002", "gone.py", 1, 1, "cannot read file: No such file or directory"),
        ("MLD002", "loop.py", 1, 1, "cannot read file: Too many levels of symbolic links"),
        SMELL,
    ]


UNREADABLE_DIRECTORY = [
    ("MLD002", "locked", 1, 1, "cannot read directory: Permission denied"),
    SMELL,
]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory whatever its mode (see the simulated test)")
def test_unreadable_directory_is_a_diagnostic(project: Path) -> None:
    locked = project / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(SMELLY)
    locked.chmod(0)
    try:
        assert scan(project) == UNREADABLE_DIRECTORY
    finally:
        locked.chmod(0o755)


def test_unreadable_directory_is_a_diagnostic_simulated(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same failure as a chmod 000 directory under a normal user, which root cannot have
    locked = project / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(SMELLY)
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(mldebtlint.discovery.os, "scandir", scandir)
    assert scan(project) == UNREADABLE_DIRECTORY


def test_unreadable_file_is_a_diagnostic_simulated(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = project / "secret.py"
    secret.write_text(SMELLY)
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert scan(project) == [("MLD002", "secret.py", 1, 1, "cannot read file: Permission denied"), SMELL]


def test_broken_pyproject_exits_2_naming_it(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.mldebtlint]\nselect = ["MLD2"\n')
    (project / "smelly.py").write_text(SMELLY)
    result = run_cli("check", ".", cwd=project)
    assert result.exit_code == 2
    # the parser's own words after the prefix differ between tomllib and tomli
    assert result.output.startswith(f"mldebtlint: error: {project / 'pyproject.toml'}: invalid TOML: Unclosed array")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('select = "MLD2"', "`select` must be a list of codes, prefixes or section names, got str"),
        ("respect-gitignore = 1", "`respect-gitignore` must be true or false, got int"),
        ("select = [2]", "`select` must be a list of strings"),
        ('fail-on = "fatal"', "`fail-on`: unknown severity 'fatal': expected one of error, warning, info"),
        (
            'severity = { MLD601 = "loud" }',
            "`severity.MLD601`: unknown severity 'loud': expected one of error, warning, info",
        ),
        ("rules.MLD601.ignore-values = 0.5", "`rules.MLD601.ignore-values` must be a list like the default [0.5, 0]"),
        ('per-file-ignores = { "tests/**" = "ALL" }', "`per-file-ignores.tests/**` must be a list of strings"),
    ],
)
def test_wrong_types_in_config_exit_2_naming_the_key(project: Path, table: str, message: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.mldebtlint]\n{table}\n")
    (project / "smelly.py").write_text(SMELLY)
    result = run_cli("check", ".", cwd=project)
    assert result.exit_code == 2
    assert result.output == f"mldebtlint: error: {project / 'pyproject.toml'}: {message}\n"


def test_describing_a_syntax_error_prints_no_python_warnings(project: Path) -> None:
    # CPython describes the error, and would warn about the file's other oddities on stderr
    (project / "warns.py").write_text('import re\nr = re.compile("\\s+")\nx = 1()\ndef f(:\n    pass\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert scan(project) == [SMELL, ("MLD001", "warns.py", 4, 7, "syntax error: invalid syntax")]
    assert [str(w.message) for w in caught] == []


def test_non_utf8_byte_in_a_comment_is_undecodable_as_python_says(project: Path) -> None:
    """CPython 3.11 refuses such a file ("Non-UTF-8 code starting with '\\xe9' ... on line 4"),
    so it is not Python source it would run: one MLD003, not a silent pass."""
    (project / "notes.py").write_bytes(b"x = 1\ny = 2\nz = 3\n# caf\xe9\n")
    found = scan(project)
    code, path, line, _column, _message = found[0]
    assert (code, path, line) == ("MLD003", "notes.py", 4)
    assert [other[1] for other in found[1:]] == ["smelly.py"]
