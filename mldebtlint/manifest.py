"""The repository's declared data dependencies: `dvc.yaml` deps/outs, `*.dvc` files and the
`[tool.mldebtlint] data-dependencies` globs. Read as data (YAML safe loader), never executed."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mldebtlint.discovery import _spec

_TEMPLATE_RE = re.compile(r"\$\{[^}]*\}")
_SKIPPED_DIRS = frozenset({".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox"})
_MAX_MANIFEST_BYTES = 2_000_000


@dataclass(frozen=True)
class Declaration:
    """One declared path (or glob): where it is declared and as what."""

    path: str  # relative to the project root, POSIX; may hold `*` from `${...}` templates
    source: str  # the declaring file, relative to the root ("pyproject.toml" for the config)
    role: str  # "dep", "out" or "glob"


@dataclass(frozen=True)
class DataManifest:
    """Every declaration found; `problems` lists manifests that could not be read."""

    declarations: tuple[Declaration, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.declarations

    def declaring(self, path: str, role: str | None = None) -> Declaration | None:
        """The declaration covering `path` (relative to the root): equal, a parent directory, or a glob."""
        for declaration in self.declarations:
            if role is not None and declaration.role not in (role, "glob"):
                continue
            if declaration.role == "glob":
                if _spec((declaration.path,)).match_file(path):
                    return declaration
                continue
            declared = declaration.path.rstrip("/")
            if "*" in declared:
                if _spec(("/" + declared,)).match_file(path):
                    return declaration
            elif path == declared or path.startswith(declared + "/"):
                return declaration
        return None


def load_manifest(
    root: Path, globs: tuple[str, ...] = (), excluded: Callable[[Path], bool] | None = None
) -> DataManifest:
    """Read every `dvc.yaml` and `*.dvc` file under `root` (skipping directories `excluded`
    says are excluded or gitignored: large data directories usually are), plus the globs."""
    declarations: list[Declaration] = [Declaration(g, "pyproject.toml", "glob") for g in globs]
    problems: list[str] = []
    for path in _manifest_files(root, excluded):
        rel = path.relative_to(root).as_posix()
        data = _load_yaml(path, rel, problems)
        if data is None:
            continue
        base = posixpath.dirname(rel)
        if path.name in ("dvc.yaml", "dvc.yml"):
            declarations.extend(_dvc_yaml(data, base, rel))
        else:
            for out in _entries(data.get("outs")):
                declarations.append(Declaration(_join(base, out), rel, "out"))
            for dep in _entries(data.get("deps")):
                declarations.append(Declaration(_join(base, dep), rel, "dep"))
    return DataManifest(tuple(declarations), tuple(problems))


def _manifest_files(root: Path, excluded: Callable[[Path], bool] | None) -> list[Path]:
    found: list[Path] = []
    if root.parent == root:
        # paths with nothing in common but `/` (no config, no git checkout): walking the whole
        # file system for manifests would take minutes, and no repository's manifest is there
        return found
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _SKIPPED_DIRS
            and not _is_excluded(excluded, Path(directory) / d)
            and not _own_project(Path(directory) / d)
            # a cache (ours, or any tool's); os.path.exists, unlike Path.exists, is False (not
            # PermissionError) inside a directory that cannot be searched
            and not os.path.exists(os.path.join(directory, d, "CACHEDIR.TAG"))
        )
        for name in sorted(filenames):
            if name in ("dvc.yaml", "dvc.yml") or name.endswith(".dvc"):
                found.append(Path(directory) / name)
    return found


def _is_excluded(excluded: Callable[[Path], bool] | None, directory: Path) -> bool:
    """An unreadable directory is passed over, never a crash."""
    if excluded is None:
        return False
    try:
        return excluded(directory)
    except OSError:
        return True


def _own_project(directory: Path) -> bool:
    """A directory with its own `[tool.mldebtlint]` config is another project: its manifests
    are its own (a monorepo's packages, the fixtures of this repository)."""
    pyproject = directory / "pyproject.toml"
    try:
        # is_file() raises PermissionError (e.g. under /proc), so it sits inside the try too
        return pyproject.is_file() and "[tool.mldebtlint" in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _load_yaml(path: Path, rel: str, problems: list[str]) -> dict[str, Any] | None:
    import yaml  # only when a manifest exists: most runs never pay its import

    try:
        if path.stat().st_size > _MAX_MANIFEST_BYTES:
            problems.append(f"{rel}: too large to read")
            return None
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # safe_load's constructors raise ValueError (`2020-13-45`) or AttributeError (`!!timestamp x`)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError, ValueError, TypeError, AttributeError) as exc:
        problems.append(f"{rel}: cannot read: {type(exc).__name__}")
        return None
    return data if isinstance(data, dict) else None


def _entries(value: Any) -> list[str]:
    """Paths in a deps/outs list: plain strings or one-key tables (`- model.pkl: {cache: false}`)."""
    if not isinstance(value, list):
        return []
    paths = []
    for item in value:
        if isinstance(item, str):
            paths.append(item)
        elif isinstance(item, dict):
            if isinstance(item.get("path"), str):
                paths.append(item["path"])
            else:
                paths.extend(k for k in item if isinstance(k, str))
    return paths


def _join(base: str, path: str) -> str:
    path = _TEMPLATE_RE.sub("*", path)
    return posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)


def _dvc_yaml(data: dict[str, Any], base: str, rel: str) -> list[Declaration]:
    declarations = []
    stages = data.get("stages")
    if not isinstance(stages, dict):
        return []
    for stage in stages.values():
        if not isinstance(stage, dict):
            continue
        body = stage.get("do") if isinstance(stage.get("do"), dict) else stage  # foreach stages
        wdir = body.get("wdir") if isinstance(body.get("wdir"), str) else ""
        where = _join(base, wdir) if wdir else base
        where = "" if where == "." else where
        for dep in _entries(body.get("deps")):
            declarations.append(Declaration(_join(where, dep), rel, "dep"))
        for key in ("outs", "metrics", "plots"):
            for out in _entries(body.get(key)):
                declarations.append(Declaration(_join(where, out), rel, "out"))
    return declarations
