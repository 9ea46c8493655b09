"""The repository's declared Python dependencies: `requirements*.txt` (and `requirements/*.txt`),
`pyproject.toml` `[project]` dependencies, `setup.cfg` `install_requires` and `environment.yml`.
Read as data (tomllib, configparser, YAML safe loader); `setup.py` is never executed or read."""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mldebtlint.tomlfile import TOMLDecodeError, load_toml

_MAX_BYTES = 1_000_000
LOCK_FILES = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "pixi.lock", "conda-lock.yml", "conda-lock.yaml")
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?")
_CONDA_CHANNEL_RE = re.compile(r"^[A-Za-z0-9._-]+::")


@dataclass(frozen=True)
class Requirement:
    """One named dependency where it is declared; `pinned` when its version cannot drift."""

    file: str  # relative to the root, POSIX
    name: str  # normalised (PEP 503: lower case, runs of `-_.` as `-`)
    text: str  # the requirement as written, without comments
    line: int
    column: int  # 1-based column of the name
    pinned: bool


@dataclass(frozen=True)
class DeclaredDependencies:
    """Every requirement found, and the lock file that pins them all (if any)."""

    requirements: tuple[Requirement, ...] = ()
    lock: str | None = None


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_pinned(spec: str) -> bool:
    """A pip requirement's version cannot drift: `==`/`===`, `~=`, an upper bound, or a direct URL."""
    spec = spec.split(";", 1)[0]
    return any(op in spec for op in ("==", "~=", "<", "@"))


def conda_pinned(spec: str) -> bool:
    """A conda match spec with a version (`numpy=1.26`, `numpy 1.26.*`) or an upper bound."""
    rest = _CONDA_CHANNEL_RE.sub("", spec.strip())
    match = _NAME_RE.match(rest)
    version = rest[match.end() :] if match else rest
    return "<" in version or bool(re.search(r"(^|[^<>!])=|^\s*[0-9]", version))


def load_dependencies(root: Path, *, package_metadata: bool = True) -> DeclaredDependencies:
    """Read the dependency declarations at the top of `root`; unreadable files are passed over.

    With `package_metadata` False, the dependencies of an installable package (a pyproject with
    `[build-system]`, a setup.cfg with `[metadata]`, a `setup.py`) are left out: a library
    declares ranges on purpose, for its users' resolvers. A requirements file that setup.py or
    pyproject names (as text; setup.py is never run) is package metadata too."""
    lock = next((name for name in LOCK_FILES if (root / name).is_file()), None)
    package = "" if package_metadata else _package_text(root)
    found: list[Requirement] = []
    for path in _requirements_files(root):
        text = _read(path)
        if text is None:
            continue
        rel = path.relative_to(root).as_posix()
        if re.search(r"--hash[= ]", text) or path.suffix == ".lock":
            lock = lock or rel
        if package and re.search(rf"(?<![\w.-]){re.escape(rel)}", package):
            continue
        found.extend(_requirements_txt(rel, text))
    if not package:
        found.extend(_pyproject(root))
        found.extend(_setup_cfg(root))
    found.extend(_environment_yml(root))
    return DeclaredDependencies(tuple(found), lock)


def _package_text(root: Path) -> str:
    """The text of the files that make `root` an installable package ("" when it is not one)."""
    pyproject = _read(root / "pyproject.toml") or ""
    setup_cfg = _read(root / "setup.cfg") or ""
    setup_py = _read(root / "setup.py")
    if setup_py is None and "[build-system]" not in pyproject and "[metadata]" not in setup_cfg:
        return ""
    return "\n".join((pyproject, setup_cfg, setup_py or ""))


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _requirements_files(root: Path) -> list[Path]:
    try:
        files = sorted(p for p in root.glob("requirements*") if p.suffix in (".txt", ".in", ".lock"))
        folder = root / "requirements"
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.txt")))
    except OSError:
        return []
    return files


def _requirements_txt(rel: str, text: str) -> list[Requirement]:
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"(^|\s)#", raw, maxsplit=1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("-") or line.rstrip().endswith("\\"):
            continue
        match = _NAME_RE.match(line)
        if match is None or ("://" in line.split(";", 1)[0] and "@" not in line):
            continue
        column = match.start(1) + 1
        found.append(Requirement(rel, normalise(match.group(1)), line.strip(), number, column, pip_pinned(line)))
    return found


def _locate(lines: list[str], text: str, used: set[int]) -> tuple[int, int]:
    """The 1-based line and column where `text` is written, first not yet claimed; (1, 1) if not found."""
    for index, line in enumerate(lines):
        column = line.find(text)
        if column >= 0 and index not in used:
            used.add(index)
            return index + 1, column + 1
    return 1, 1


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _pyproject(root: Path) -> list[Requirement]:
    path = root / "pyproject.toml"
    text = _read(path)
    if text is None:
        return []
    try:
        data = load_toml(path)
    except (OSError, UnicodeDecodeError, TOMLDecodeError, RecursionError):
        return []
    project = data.get("project")
    if not isinstance(project, dict):
        return []
    specs = _strings(project.get("dependencies"))
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for extra in optional.values():
            specs.extend(_strings(extra))
    return _pip_specs("pyproject.toml", text, specs)


def _pip_specs(rel: str, text: str, specs: list[str]) -> list[Requirement]:
    lines = text.splitlines()
    used: set[int] = set()
    found = []
    for spec in specs:
        match = _NAME_RE.match(spec)
        if match is None:
            continue
        line, column = _locate(lines, spec.strip(), used)
        found.append(Requirement(rel, normalise(match.group(1)), spec.strip(), line, column, pip_pinned(spec)))
    return found


def _setup_cfg(root: Path) -> list[Requirement]:
    text = _read(root / "setup.cfg")
    if text is None:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        specs = [s.strip() for s in parser.get("options", "install_requires", fallback="").splitlines()]
    except (configparser.Error, ValueError):
        return []
    return _pip_specs("setup.cfg", text, [s for s in specs if s and not s.startswith("#")])


def _environment_yml(root: Path) -> list[Requirement]:
    import yaml  # only when an environment file exists

    for name in ("environment.yml", "environment.yaml"):
        text = _read(root / name)
        if text is None:
            continue
        try:
            data = yaml.safe_load(text)
        except (yaml.YAMLError, RecursionError, ValueError, TypeError, AttributeError):  # `!!timestamp x`
            return []
        if not isinstance(data, dict) or not isinstance(data.get("dependencies"), list):
            return []
        lines = text.splitlines()
        used: set[int] = set()
        found = []
        for item in data["dependencies"]:
            if isinstance(item, dict):
                found.extend(_pip_specs(name, text, _strings(item.get("pip"))))
                continue
            if not isinstance(item, str):
                continue
            match = _NAME_RE.match(_CONDA_CHANNEL_RE.sub("", item.strip()))
            if match is None:
                continue
            line, column = _locate(lines, item.strip(), used)
            found.append(Requirement(name, normalise(match.group(1)), item.strip(), line, column, conda_pinned(item)))
        return found
    return []
