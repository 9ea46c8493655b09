"""Settings: `[tool.mldebtlint]` in pyproject.toml, validated, merged with CLI overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mldebtlint.catalog import Catalog, CatalogError, builtin_rules_dir, load_catalog_cached
from mldebtlint.ftypes import Severity
from mldebtlint.taxonomy import SECTIONS_BY_SLUG
from mldebtlint.tomlfile import TOMLDecodeError, load_toml

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".mldebtlint_cache",
    ".ipynb_checkpoints",
    "__pycache__",
    "__pypackages__",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    ".eggs",
)

# key -> (expected python type(s), human description)
_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "select": (list, "a list of codes, prefixes or section names"),
    "ignore": (list, "a list of codes, prefixes or section names"),
    "extend-select": (list, "a list of codes, prefixes or section names"),
    "extend-ignore": (list, "a list of codes, prefixes or section names"),
    "per-file-ignores": (dict, "a table of glob -> list of codes"),
    "exclude": (list, "a list of gitignore-style patterns"),
    "extend-exclude": (list, "a list of gitignore-style patterns"),
    "force-exclude": (bool, "true or false"),
    "respect-gitignore": (bool, "true or false"),
    "fail-on": (str, "one of error, warning, info"),
    "severity": (dict, "a table of code -> error|warning|info"),
    "rules": (dict, "a table of code -> table of rule options"),
    "rule-dirs": (list, "a list of directories holding extra rule files"),
    "data-dependencies": (list, "a list of gitignore-style globs of declared data files"),
}


class ConfigError(Exception):
    """Bad configuration or usage: exit status 2, message names the file and key."""


@dataclass(frozen=True)
class Settings:
    """The effective configuration of one run. Plain data: it crosses process boundaries."""

    root: Path
    config_file: Path | None
    rule_dirs: tuple[Path, ...]
    enabled: frozenset[str]
    severities: dict[str, Severity] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    fail_on: Severity = Severity.WARNING
    data_dependencies: tuple[str, ...] = ()

    @property
    def catalog(self) -> Catalog:
        return load_catalog_cached(self.rule_dirs)


@dataclass(frozen=True)
class Overrides:
    """What the command line says, on top of the config file."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    config_file: Path | None = None
    force_exclude: bool | None = None


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.mldebtlint] table, from `start` upward."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            try:
                data = load_toml(candidate)
            except (OSError, UnicodeDecodeError, TOMLDecodeError):
                # a broken pyproject.toml is only an error once we know it is ours
                try:
                    if "[tool.mldebtlint" in candidate.read_text(encoding="utf-8", errors="replace"):
                        return candidate
                except OSError:
                    pass
                continue
            if "mldebtlint" in data.get("tool", {}):
                return candidate
    return None


def find_root(start: Path, cwd: Path) -> Path:
    """Without a config file, the project root is the enclosing git checkout, else the current
    directory when `start` lies inside it, else `start` itself."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    if directory == cwd or cwd in directory.parents:
        return cwd
    return directory


def repository_prefix(root: Path) -> str:
    """Where `root` lies inside its git checkout, as a path prefix ("ml/"), or "" at the top or
    outside git: GitHub resolves the paths of SARIF results and annotations from the repository."""
    for candidate in (root, *root.parents):
        if (candidate / ".git").exists():
            return "" if candidate == root else root.relative_to(candidate).as_posix() + "/"
    return ""


def _read_table(path: Path) -> dict[str, Any]:
    try:
        data = load_toml(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not valid UTF-8") from None
    except TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("mldebtlint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.mldebtlint] must be a table")
        return table
    return data


def _string_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of strings")
    return tuple(value)


def expand_selectors(selectors: tuple[str, ...], catalog: Catalog, where: str) -> set[str]:
    """Codes matched by selectors: ALL, a code, a code prefix (MLD4), a section or rule name."""
    codes: set[str] = set()
    for selector in selectors:
        key = selector.strip()
        if key.upper() == "ALL":
            codes.update(catalog.rules)
            continue
        if key in SECTIONS_BY_SLUG:
            prefix = SECTIONS_BY_SLUG[key].prefix
            codes.update(c for c in catalog.rules if c.startswith(prefix))
            continue
        by_name = [r.code for r in catalog.rules.values() if r.name == key]
        matched = by_name or [c for c in catalog.rules if c.startswith(key.upper())]
        if not matched:
            raise ConfigError(
                f"{where}: unknown rule selector {selector!r} "
                "(expected a code such as MLD201, a prefix such as MLD2, a rule name, a section name or ALL)"
            )
        codes.update(matched)
    return codes


def _rule_options(path: Path, table: Any, catalog: Catalog) -> dict[str, dict[str, Any]]:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: `rules` must be a table of code -> options")
    result: dict[str, dict[str, Any]] = {}
    for code, options in table.items():
        rule = catalog.get(code)
        if rule is None:
            raise ConfigError(f"{path}: `rules.{code}`: unknown rule code")
        if not isinstance(options, dict):
            raise ConfigError(f"{path}: `rules.{code}` must be a table of options")
        for name, value in options.items():
            if name not in rule.options:
                allowed = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(f"{path}: `rules.{code}.{name}`: unknown option (allowed: {allowed})")
            default = rule.options[name]
            if not _same_kind(default, value):
                raise ConfigError(
                    f"{path}: `rules.{code}.{name}` must be {_kind(default)} like the default {default!r}"
                )
        result[rule.code] = dict(options)
    return result


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a table"


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    return _kind(default) == _kind(value)


def load_settings(start: Path, overrides: Overrides | None = None, cwd: Path | None = None) -> Settings:
    """Find and validate the configuration for a run rooted at `start` (a path being checked)."""
    overrides = overrides or Overrides()
    cwd = (cwd or Path.cwd()).resolve()
    start = start.resolve()
    config_file = overrides.config_file.resolve() if overrides.config_file else find_config(start)
    table: dict[str, Any] = {}
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: config file does not exist")
        table = _read_table(config_file)
        root = config_file.parent
    else:
        root = find_root(start if start.exists() else cwd, cwd)
    where = str(config_file) if config_file else "settings"
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key `{key}` in [tool.mldebtlint] (allowed: {', '.join(_KEYS)})")
        expected, description = _KEYS[key]
        if not isinstance(value, expected):
            raise ConfigError(f"{where}: `{key}` must be {description}, got {type(value).__name__}")
    cfg_path = config_file or root
    rule_dirs = [builtin_rules_dir()]
    for entry in _string_list(cfg_path, "rule-dirs", table.get("rule-dirs", [])):
        rule_dirs.append((root / entry).resolve())
    try:
        catalog = load_catalog_cached(tuple(rule_dirs))
    except CatalogError as exc:
        raise ConfigError(str(exc)) from None

    select = _string_list(cfg_path, "select", table.get("select", ["ALL"]))
    if overrides.select is not None:
        select = overrides.select
    enabled = expand_selectors(select, catalog, "--select" if overrides.select is not None else where)
    extend = _string_list(cfg_path, "extend-select", table.get("extend-select", []))
    enabled |= expand_selectors(extend, catalog, where)
    enabled |= expand_selectors(overrides.extend_select, catalog, "--extend-select")
    ignored = _string_list(cfg_path, "ignore", table.get("ignore", []))
    ignored += _string_list(cfg_path, "extend-ignore", table.get("extend-ignore", []))
    enabled -= expand_selectors(ignored, catalog, where)
    enabled -= expand_selectors(overrides.ignore, catalog, "--ignore")

    severities: dict[str, Severity] = {}
    for code, level in table.get("severity", {}).items():
        rule = catalog.get(code)
        if rule is None:
            raise ConfigError(f"{where}: `severity.{code}`: unknown rule code")
        try:
            severities[rule.code] = Severity.parse(str(level))
        except ValueError as exc:
            raise ConfigError(f"{where}: `severity.{code}`: {exc}") from None

    per_file: list[tuple[str, frozenset[str]]] = []
    for pattern, codes in table.get("per-file-ignores", {}).items():
        codes_tuple = _string_list(cfg_path, f"per-file-ignores.{pattern}", codes)
        per_file.append((pattern, frozenset(expand_selectors(codes_tuple, catalog, f"{where}: per-file-ignores"))))

    fail_on_text = overrides.fail_on or table.get("fail-on", "warning")
    try:
        fail_on = Severity.parse(fail_on_text)
    except ValueError as exc:
        raise ConfigError(f"{'--fail-on' if overrides.fail_on else f'{where}: `fail-on`'}: {exc}") from None

    force_exclude = table.get("force-exclude", False)
    if overrides.force_exclude is not None:
        force_exclude = overrides.force_exclude or force_exclude
    return Settings(
        root=root,
        config_file=config_file,
        rule_dirs=tuple(rule_dirs),
        enabled=frozenset(enabled),
        severities=severities,
        rule_options=_rule_options(cfg_path, table.get("rules", {}), catalog),
        per_file_ignores=tuple(per_file),
        exclude=_string_list(cfg_path, "exclude", table["exclude"]) if "exclude" in table else DEFAULT_EXCLUDE,
        extend_exclude=_string_list(cfg_path, "extend-exclude", table.get("extend-exclude", [])),
        force_exclude=force_exclude,
        respect_gitignore=table.get("respect-gitignore", True),
        fail_on=fail_on,
        data_dependencies=_string_list(cfg_path, "data-dependencies", table.get("data-dependencies", [])),
    )
