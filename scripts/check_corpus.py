"""Run `mldebtlint check --format json` over a directory of real code and summarise the result.

Not a test: a reliability check on real code at scale (issue 9). It reports the files and lines
checked, the findings per code, the internal errors (MLD009, which must be zero) and every file
that could not be parsed (MLD001) or decoded (MLD003). Each MLD001 is cross-checked with CPython's
own parser (`compile(..., PyCF_ONLY_AST)`: it builds a tree and runs nothing), so a file that
CPython accepts but mldebtlint refuses shows up as a false parse failure.

    python scripts/check_corpus.py /work/devcorpus
    python scripts/check_corpus.py /path/to/transformers --json-out run1.json
    # identical output under other settings (workers, cache), once those options exist:
    python scripts/check_corpus.py DIR --compare "--workers 1" --compare "--workers 2"

Exit status: 0 when there are no internal errors, no false parse failures and every compared
run gave byte-identical JSON; 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def run_check(directory: Path, python: str, extra: list[str]) -> tuple[bytes, float]:
    """The JSON report of `mldebtlint check .` run from `directory`, and the seconds it took."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [python, "-m", "mldebtlint", "check", ".", "--format", "json", "--exit-zero", "-o", str(out), *extra]
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=directory, capture_output=True, text=True, env=_env(), check=False)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0 or not out.exists():
            sys.exit(f"check failed with exit status {proc.returncode}:\n{proc.stderr[-4000:]}")
        return out.read_bytes(), elapsed


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def cpython_accepts(path: Path) -> str | None:
    """None if CPython parses the file, else its syntax error message."""
    try:
        compile(path.read_bytes(), str(path), "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.msg} (line {exc.lineno})"
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def summarise(directory: Path, document: dict[str, Any]) -> tuple[list[str], bool]:
    """Printable lines about one report, and whether it passes the reliability bar."""
    summary = document["summary"]
    results = document["results"]
    codes = Counter(r["code"] for r in results)
    lines = [
        f"files checked:   {summary['files_checked']}",
        f"lines checked:   {summary['lines_checked']}",
        f"findings:        {summary['findings']}  (suppressed: {summary['suppressed']})",
        "findings per code:",
        *(f"  {code}  {count}" for code, count in sorted(codes.items())),
        f"internal errors (MLD009): {codes.get('MLD009', 0)}",
    ]
    ok = codes.get("MLD009", 0) == 0
    for r in results:
        if r["code"] == "MLD009":
            lines.append(f"  {r['filename']}:{r['location']['row']}: {r['message']}")
    lines.append(f"parse failures (MLD001): {codes.get('MLD001', 0)}")
    false_failures = 0
    for r in results:
        if r["code"] != "MLD001":
            continue
        reason = cpython_accepts(directory / r["filename"])
        verdict = f"CPython agrees: {reason}" if reason else "CPython PARSES IT: false parse failure"
        false_failures += reason is None
        lines.append(f"  {r['filename']}:{r['location']['row']}:{r['location']['column']}: {r['message']}")
        lines.append(f"      {verdict}")
    ok = ok and false_failures == 0
    lines.append(f"false parse failures: {false_failures}")
    lines.append(f"undecodable (MLD003): {codes.get('MLD003', 0)}")
    lines.extend(f"  {r['filename']}: {r['message']}" for r in results if r["code"] == "MLD003")
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    """Check a directory and print the summary; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs mldebtlint")
    parser.add_argument("--args", default="", help="extra arguments for the first run (quoted string)")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="ARGS",
        help="run again with these extra arguments and require byte-identical JSON (repeatable)",
    )
    parser.add_argument("--json-out", type=Path, help="also write the first run's JSON report here")
    options = parser.parse_args(argv)
    directory = options.directory.resolve()

    first, seconds = run_check(directory, options.python, shlex.split(options.args))
    if options.json_out:
        options.json_out.write_bytes(first)
    lines, ok = summarise(directory, json.loads(first))
    print(f"directory:       {directory}")
    print(f"run time:        {seconds:.1f} s")
    print("\n".join(lines))
    for extra in options.compare:
        again, seconds = run_check(directory, options.python, shlex.split(extra))
        same = again == first
        ok = ok and same
        print(f"compare [{extra}]: {'identical' if same else 'DIFFERENT'} JSON ({seconds:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
