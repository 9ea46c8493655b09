"""The result cache: each file's `FileResult`, keyed by the file's bytes, its report name, the
tool and the effective settings, so an unchanged file is never parsed twice.

Layout (Ruff's): `<cache dir>/<tool version>/<settings digest>/<entry key>`, with `CACHEDIR.TAG`
and a `.gitignore` holding `*` at the top. Entries are JSON (never pickle: a cache directory
committed to a scanned repository must not be able to run code), written to a temporary file and
renamed into place. A missing, truncated or corrupt entry is a miss, never an error; entries and
directories unused for `MAX_AGE` are pruned, at most once per `PRUNE_EVERY`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from mldebtlint import __version__
from mldebtlint.config import Settings
from mldebtlint.discovery import Candidate
from mldebtlint.ftypes import (
    ConfigSetting,
    ConfigUsage,
    DataAccess,
    FileResult,
    Finding,
    HyperparameterSetting,
    Position,
    Severity,
    Suppression,
)

CACHE_DIR_NAME = ".mldebtlint_cache"
SCHEMA = 5  # bump when the entry format or what a FileResult holds changes
MAX_AGE = 30 * 24 * 3600  # seconds an entry or a directory may go unused before pruning
PRUNE_EVERY = 24 * 3600
TOUCH_AFTER = 24 * 3600  # refresh an entry's mtime on a hit at most this often
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by mldebtlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_PRUNE_STAMP = ".last-prune"

# the only types an entry may hold: decoding builds nothing else
_DATACLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        FileResult,
        Finding,
        Position,
        Suppression,
        DataAccess,
        HyperparameterSetting,
        ConfigUsage,
        ConfigSetting,
    )
}


class CacheFormatError(ValueError):
    """An entry that does not decode to a FileResult."""


def settings_digest(settings: Settings) -> str:
    """A digest of everything that decides a file's result besides its bytes and name."""
    catalog = settings.catalog
    rules = []
    for code, rule in catalog.rules.items():
        try:
            rule_bytes = rule.source.read_bytes()
        except OSError:
            rule_bytes = repr(rule).encode()
        rules.append([code, hashlib.sha256(rule_bytes).hexdigest()])
    payload = {
        "schema": SCHEMA,
        "version": __version__,
        "code": _package_digest(),
        "rules": rules,
        "enabled": sorted(settings.enabled),
        "severities": {code: level.label for code, level in sorted(settings.severities.items())},
        "rule_options": settings.rule_options,
        "per_file_ignores": [[pattern, sorted(codes)] for pattern, codes in settings.per_file_ignores],
    }
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _package_digest() -> str:
    """Name, size and mtime of mldebtlint's own modules: an edited checkout gets a fresh cache."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package).as_posix()}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def read_source(candidate: Candidate) -> bytes | None:
    """The bytes of a regular, readable file; None otherwise (the engine reports why)."""
    try:
        if not stat.S_ISREG(candidate.path.stat().st_mode):
            return None
        return candidate.path.read_bytes()
    except OSError:
        return None


class ResultCache:
    """Per-file results of one run's settings, in `directory/<version>/<settings digest>/`."""

    def __init__(self, directory: Path, entries: Path) -> None:
        self.directory = directory
        self.entries = entries

    @classmethod
    def open(cls, directory: Path, settings: Settings) -> ResultCache | None:
        """The cache for these settings, created if needed; None if it cannot be used."""
        directory = directory.absolute()
        entries = directory / __version__ / settings_digest(settings)
        try:
            fresh = not directory.exists() or not any(directory.iterdir())
            entries.mkdir(parents=True, exist_ok=True)
            if fresh:
                # mark only a directory we created: never write `.gitignore: *` into the user's files
                _write_atomic(directory / "CACHEDIR.TAG", CACHEDIR_TAG.encode())
                _write_atomic(directory / ".gitignore", b"# Automatically created by mldebtlint.\n*\n")
            now = time.time()
            os.utime(entries, (now, now))
            os.utime(entries.parent, (now, now))
        except OSError:
            return None
        cache = cls(directory, entries)
        cache.prune_if_due()
        return cache

    @staticmethod
    def key(relpath: str, data: bytes) -> str:
        """The entry name for a file with this report name and these bytes."""
        content = hashlib.sha256(data).hexdigest()
        return hashlib.sha256(f"{relpath}\0{content}".encode()).hexdigest()[:40]

    def load(self, key: str) -> FileResult | None:
        """The stored result, or None when missing, truncated or corrupt."""
        path = self.entries / key
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
                modified = os.fstat(handle.fileno()).st_mtime
            envelope = json.loads(raw)
            if not isinstance(envelope, dict) or envelope.get("key") != key:
                return None
            result = _decode(envelope["result"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        if not isinstance(result, FileResult):
            return None
        now = time.time()
        if now - modified > TOUCH_AFTER:
            with contextlib.suppress(OSError):
                os.utime(path, (now, now))
        return result

    def store(self, key: str, result: FileResult) -> None:
        """Write the entry atomically; a result the cache cannot hold is simply not stored."""
        try:
            text = json.dumps({"key": key, "result": _encode(result)}, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):
            return
        with contextlib.suppress(OSError):
            _write_atomic(self.entries / key, text.encode("utf-8"))

    def prune_if_due(self) -> None:
        """Remove what has not been used for `MAX_AGE`, at most once per `PRUNE_EVERY`."""
        stamp = self.directory / _PRUNE_STAMP
        now = time.time()
        try:
            if now - stamp.stat().st_mtime < PRUNE_EVERY:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        try:
            stamp.touch()
        except OSError:
            return
        self.prune(now - MAX_AGE)

    def prune(self, older_than: float) -> None:
        """Delete entries, settings and version directories last used before `older_than`."""
        import shutil  # only when pruning: keeps it off the start-up path

        if not (self.directory / "CACHEDIR.TAG").is_file():
            return  # not a directory we made: delete nothing in it
        for version_dir in _subdirs(self.directory):
            if version_dir != self.entries.parent and _mtime(version_dir) < older_than:
                shutil.rmtree(version_dir, ignore_errors=True)
                continue
            for settings_dir in _subdirs(version_dir):
                if settings_dir != self.entries and _mtime(settings_dir) < older_than:
                    shutil.rmtree(settings_dir, ignore_errors=True)
        try:
            with os.scandir(self.entries) as scan:
                for entry in scan:
                    try:
                        if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < older_than:
                            os.unlink(entry.path)
                    except OSError:
                        continue
        except OSError:
            pass


def _subdirs(directory: Path) -> list[Path]:
    try:
        return [Path(e.path) for e in os.scandir(directory) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


# -- entries: JSON with tagged tuples, enums and the allowed dataclasses --------------------
def _encode(value: Any) -> Any:
    if isinstance(value, Severity):
        return {"~severity": value.label}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"~tuple": [_encode(item) for item in value]}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and _DATACLASSES.get(name) is type(value):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"~type": name, **fields}
    raise TypeError(f"cannot cache a {name}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "~tuple" in value:
        return tuple(_decode(item) for item in value["~tuple"])
    if "~severity" in value:
        return Severity.parse(value["~severity"])
    cls = _DATACLASSES.get(value.get("~type", ""))
    if cls is None:
        raise CacheFormatError("unknown value in cache entry")
    return cls(**{name: _decode(item) for name, item in value.items() if name != "~type"})
