"""Which files a run checks: the paths given, walked, minus excludes and gitignored files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pathspec import GitIgnoreSpec

from mldebtlint.config import ConfigError, Settings

SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class Candidate:
    """A file to check: where it is, and how reports name it (relative to the project root)."""

    path: Path
    relpath: str
    # why this entry cannot be read at all (an unreadable directory): reported as MLD002
    unreadable: str | None = None


@lru_cache(maxsize=64)
def _spec(patterns: tuple[str, ...]) -> GitIgnoreSpec:
    return GitIgnoreSpec.from_lines(patterns)


def relative_name(path: Path, root: Path) -> str:
    """POSIX path relative to the root; absolute when the file lies outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class _Ignores:
    """Gitignore files met on the way down, each applying below its own directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.exclude = _spec(settings.exclude + settings.extend_exclude)
        self.gitignores: dict[Path, GitIgnoreSpec | None] = {}
        info_exclude = settings.root / ".git" / "info" / "exclude"
        self.info_exclude = self._load(info_exclude) if settings.respect_gitignore else None

    @staticmethod
    def _load(path: Path) -> GitIgnoreSpec | None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return _spec(tuple(lines)) if lines else None

    def _gitignore(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self.gitignores:
            self.gitignores[directory] = self._load(directory / ".gitignore")
        return self.gitignores[directory]

    def excluded(self, path: Path, is_dir: bool) -> bool:
        root = self.settings.root
        rel = relative_name(path, root)
        suffix = "/" if is_dir else ""
        if not rel.startswith("/") and self.exclude.match_file(rel + suffix):
            return True
        if path.name in self.settings.exclude or path.name in self.settings.extend_exclude:
            return True
        if not self.settings.respect_gitignore:
            return False
        if self.info_exclude is not None and not rel.startswith("/") and self.info_exclude.match_file(rel + suffix):
            return True
        for directory in path.parents:
            spec = self._gitignore(directory)
            if spec is not None and spec.match_file(path.relative_to(directory).as_posix() + suffix):
                return True
            if directory == root or (directory / ".git").exists():
                break
        return False


def discover(paths: list[Path], settings: Settings) -> list[Candidate]:
    """Files to check, sorted by their report name. Explicit files bypass excludes unless forced."""
    ignores = _Ignores(settings)
    found: dict[str, Candidate] = {}

    def add(path: Path) -> None:
        rel = relative_name(path, settings.root)
        found.setdefault(rel, Candidate(path, rel))

    def walk(directory: Path) -> None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            # nothing in it can be checked: say so, rather than lose its files without a word
            rel = relative_name(directory, settings.root)
            reason = f"cannot read directory: {exc.strerror or type(exc).__name__}"
            found.setdefault(rel, Candidate(directory, rel, unreadable=reason))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not ignores.excluded(path, is_dir=True):
                    walk(path)
            elif entry.name.endswith(SOURCE_SUFFIXES) and not ignores.excluded(path, is_dir=False):
                add(path)

    for given in paths:
        path = _inside_root(Path(os.path.abspath(given)), settings.root)
        if path.is_dir() and not path.is_symlink():
            if settings.force_exclude and ignores.excluded(path, is_dir=True):
                continue
            walk(path)
        elif path.is_dir():
            walk(path)  # a symlink named on the command line is followed, once
        elif path.exists() or path.is_symlink():
            if settings.force_exclude and _explicitly_excluded(path, ignores):
                continue
            add(path)
        else:
            raise ConfigError(f"{given}: no such file or directory")
    return [found[k] for k in sorted(found)]


def _inside_root(path: Path, root: Path) -> Path:
    """`path`, or its real path when only that lies under the (real) root: a symlink from
    outside into the project must not make findings point outside it."""
    if not path.is_relative_to(root) and path.exists():
        real = path.resolve()
        if real.is_relative_to(root):
            return real
    return path


def _explicitly_excluded(path: Path, ignores: _Ignores) -> bool:
    """With --force-exclude, a named file is dropped if it or any parent directory is excluded."""
    if ignores.excluded(path, is_dir=False):
        return True
    for parent in path.parents:
        if parent == ignores.settings.root:
            break
        if ignores.excluded(parent, is_dir=True):
            return True
    return False


def excluded_by_config(path: Path, settings: Settings) -> bool:
    """Whether `--force-exclude` drops the file `path` (a name given for stdin, say)."""
    return _explicitly_excluded(Path(os.path.abspath(path)), _Ignores(settings))
