"""The debt ledger (baseline): the findings a team has accepted, so that CI fails only on new
debt, and says which accepted debt was paid off.

An entry is keyed by rule code, file (relative to the project root) and the hash of the flagged
code's normalised source, with a count; never by line number, so code moving up or down, being
reformatted or its neighbours renamed leaves the entry matched. When a file has more findings of
one key than the ledger counts, the later ones in the file are reported as new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from mldebtlint import __version__
from mldebtlint.ftypes import BaselineOutcome, Finding, LedgerEntry, Report

LEDGER_VERSION = 1
DEFAULT_LEDGER = ".mldebtlint-baseline.json"

LedgerKey = tuple[str, str, str]


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a ledger: exit status 2, naming the file."""


def _key(finding: Finding) -> LedgerKey:
    return (finding.code, finding.path, finding.source_key)


def ledger_entries(findings: list[Finding]) -> list[LedgerEntry]:
    """Today's findings as ledger entries, one per (code, path, source key), in a stable order."""
    counts: Counter[LedgerKey] = Counter()
    first: dict[LedgerKey, Finding] = {}
    for finding in findings:
        counts[_key(finding)] += 1
        first.setdefault(_key(finding), finding)
    return [
        LedgerEntry(
            code=code, path=path, key=key, count=counts[(code, path, key)], message=first[(code, path, key)].message
        )
        for code, path, key in sorted(counts, key=lambda k: (k[1], k[0], k[2]))
    ]


def render_ledger(report: Report) -> str:
    """The ledger file for the findings of `report` (JSON, one entry per key, sorted)."""
    entries = [
        {"code": e.code, "path": e.path, "key": e.key, "count": e.count, "message": e.message}
        for e in ledger_entries(report.findings)
    ]
    document = {"version": LEDGER_VERSION, "tool": {"name": "mldebtlint", "version": __version__}, "entries": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _entry(path: Path, index: int, item: Any) -> LedgerEntry:
    where = f"{path}: entries[{index}]"
    if not isinstance(item, dict):
        raise BaselineError(f"{where} must be an object")
    for field in ("code", "path", "key"):
        if not isinstance(item.get(field), str) or not item[field]:
            raise BaselineError(f"{where}: `{field}` must be a non-empty string")
    count = item.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}: `count` must be a positive integer")
    message = item.get("message", "")
    if not isinstance(message, str):
        raise BaselineError(f"{where}: `message` must be a string")
    return LedgerEntry(item["code"], item["path"], item["key"], count, message)


def load_ledger(path: Path) -> list[LedgerEntry]:
    """Read and validate a ledger file; BaselineError (naming the file) if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: baseline is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: baseline is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or "entries" not in data:
        raise BaselineError(f"{path}: not a mldebtlint baseline (expected an object with `version` and `entries`)")
    if data.get("version") != LEDGER_VERSION:
        raise BaselineError(f"{path}: unsupported baseline version {data.get('version')!r} (expected {LEDGER_VERSION})")
    if not isinstance(data["entries"], list):
        raise BaselineError(f"{path}: `entries` must be a list")
    return [_entry(path, index, item) for index, item in enumerate(data["entries"])]


def apply_ledger(report: Report, entries: list[LedgerEntry], ledger: str, root: Path) -> Report:
    """The report without the findings the ledger accepts, and with the entries paid off: fewer
    findings than counted in a file that was checked (or that no longer exists), for a rule
    that was run. Files outside this run keep their entries untouched."""
    allowed: Counter[LedgerKey] = Counter()
    for entry in entries:
        allowed[(entry.code, entry.path, entry.key)] += entry.count
    used: Counter[LedgerKey] = Counter()
    new = []
    for finding in report.findings:
        key = _key(finding)
        if used[key] < allowed[key]:
            used[key] += 1
        else:
            new.append(finding)
    remaining = allowed - used
    paid_off = []
    for entry in entries:
        key = (entry.code, entry.path, entry.key)
        left = min(entry.count, remaining[key])
        in_scope = entry.path in report.checked or not (root / entry.path).exists()
        if left > 0 and in_scope and entry.code in report.rules:
            paid_off.append(replace(entry, count=left))
            remaining[key] -= left
    outcome = BaselineOutcome(ledger=ledger, accepted=len(report.findings) - len(new), paid_off=tuple(paid_off))
    return replace(report, findings=new, baseline=outcome)
