"""Project detector over every file's configuration facts: settings that nothing reads, and
settings read that nothing defines (§6 configuration debt). The facts come from
`config_usage.py`; config files are read here as data (YAML safe loader, tomllib, json)."""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from mldebtlint.ftypes import ConfigSetting, ConfigUsage
from mldebtlint.project import ProjectDetector, ProjectFacts, ProjectFinding, declaration_site, fact_site, local_paths
from mldebtlint.tomlfile import load_toml

_MAX_CONFIG_BYTES = 1_000_000  # larger files are data, not configuration
_PLAIN_KEY_RE = re.compile(r"^[\w.-]+$")
_SEPARATOR_RE = re.compile(r"[:=]")
_CONFIG_NAME_RE = re.compile(r"(?i)(config|conf|cfg|setting|param|option|args|experiment)")


class UnusedConfigSetting(ProjectDetector):
    """MLD503: an argparse option that the file which defines and parses it hands to no reader,
    and whose name nothing in the project reads; `args.x` read from a namespace whose parser
    (built in the same file) defines no `x`; a top-level key of a YAML/TOML/JSON config file
    that the code loads and that nothing reads; `cfg["x"]` read from a loaded config file that
    defines no `x`.

    Whenever a setting could be read in a way no file shows, nothing is reported: the namespace
    used as a whole (`vars(args)`, `args.__dict__`), handed to a library or to a module that was
    not checked, a config used as a whole (`**cfg`, `cfg.items()`), Hydra-style configs
    (`defaults`, `_target_`)."""

    PARAMS: ClassVar[dict[str, Any]] = {
        "options": True,
        "config-files": True,
        # options a launcher passes whether or not the script uses them
        "ignore-names": ["local_rank", "local-rank"],
    }

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        reads: set[str] = set()
        writes: set[str] = set()
        for _, usage in facts.config:
            reads.update(usage.reads.split())
            writes.update(usage.writes.split())
        ignored = {name.replace("-", "_") for name in self.params["ignore-names"]}
        configs = _ConfigFiles(facts.root)
        loads: dict[str, list[tuple[str, ConfigSetting]]] = {}
        for file, usage in facts.config:
            for setting in usage.settings:
                if setting.kind == "option" and self.params["options"] and setting.name not in ignored:
                    if setting.name not in reads and _sees_every_reader(file, usage, facts.checked):
                        yield self._finding(_unread_option(setting), file, setting)
                elif setting.kind == "undefined-option" and self.params["options"] and setting.name not in writes:
                    yield self._finding(
                        f"`{setting.text}` is read, but the parser defines no option `{setting.name}`: "
                        "an AttributeError when this line runs",
                        file,
                        setting,
                    )
                elif setting.kind == "config-load" and self.params["config-files"]:
                    path = configs.resolve(file, setting.name)
                    if path is not None:
                        loads.setdefault(path, []).append((file, setting))
                elif setting.kind == "config-key" and self.params["config-files"]:
                    path = configs.resolve(file, setting.source)
                    keys = configs.keys(path) if path is not None else None
                    if keys is not None and setting.name not in keys:
                        yield self._finding(
                            f"`{setting.text}` reads key `{setting.name}`, which {path} does not define: "
                            "a KeyError when this line runs",
                            file,
                            setting,
                        )
        for path, sites in sorted(loads.items()):
            if any(setting.dynamic for _, setting in sites) or not configs.is_configuration(path):
                continue
            for key, line, column in configs.placed_keys(path):
                if key not in reads and key.replace("-", "_") not in reads:
                    readers = ", ".join(sorted({file for file, _ in sites}))
                    yield ProjectFinding(
                        self.rule.code,
                        f"config key `{key}` is set, but nothing that loads {path} ({readers}) reads it: "
                        "remove it, or use it",
                        declaration_site(path, line, column, len(key), f"{key}"),
                    )

    def _finding(self, message: str, file: str, setting: ConfigSetting) -> ProjectFinding:
        return ProjectFinding(self.rule.code, message, fact_site(file, setting))


def _unread_option(setting: ConfigSetting) -> str:
    if "-" in setting.name:  # a positional argument keeps its hyphens: `args.pred-results` cannot be written
        return (
            f"argument `{setting.text}` is parsed, but nothing reads it: its dest keeps the hyphen, so "
            f"`args.{setting.name.replace('-', '_')}` fails; use underscores or `dest=`"
        )
    return f"option `{setting.text}` is parsed, but nothing reads `{setting.name}`: remove it, or use it"


def _sees_every_reader(file: str, usage: ConfigUsage, checked: frozenset[str]) -> bool:
    """Is every reader of this file's namespace among the checked files? Not when it is used
    as a whole, or handed whole to a library, a method or a module that was not checked."""
    if usage.dynamic:
        return False
    return all(module_checked(file, module, checked) for module in usage.escapes)


def module_checked(file: str, module: str, checked: frozenset[str]) -> bool:
    """Does the (possibly relative) module imported by `file` name a checked file? A module
    that resolves to no checked file (a library, or code outside the run) is unknown ground."""
    if not module:
        return False
    stripped = module.lstrip(".")
    dots = len(module) - len(stripped)
    parts = stripped.split(".") if stripped else []
    directory = posixpath.dirname(file)
    if dots:
        for _ in range(dots - 1):
            directory = posixpath.dirname(directory)
        bases = [directory]
    else:  # a script's own directory is on sys.path, and so is the root it runs from
        bases = [directory]
        while directory:
            directory = posixpath.dirname(directory)
            bases.append(directory)
    for base in bases:
        for length in range(len(parts), 0, -1):
            stem = posixpath.join(base, *parts[:length])
            if f"{stem}.py" in checked or f"{stem}/__init__.py" in checked:
                return True
        if not parts and posixpath.join(base, "__init__.py") in checked:
            return True
    return False


class _ConfigFiles:
    """Config files under the project root, read once each, as data."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.loaded: dict[str, tuple[dict[str, Any] | None, str]] = {}

    def resolve(self, file: str, path: str) -> str | None:
        """The one existing repository file that `path`, loaded in `file`, can mean."""
        if self.root is None:
            return None
        # os.path.isfile is False, where Path.is_file raises, for a name too long or a directory
        # that cannot be searched
        found = [p for p in local_paths(file, path) if os.path.isfile(self.root / p)]
        return found[0] if len(found) == 1 else None

    def _load(self, path: str) -> tuple[dict[str, Any] | None, str]:
        if path in self.loaded:
            return self.loaded[path]
        data: dict[str, Any] | None = None
        text = ""
        assert self.root is not None
        try:
            full = self.root / path
            if full.stat().st_size <= _MAX_CONFIG_BYTES:
                text = full.read_text(encoding="utf-8")
                data = _parse(path, text, full)
        except Exception:  # OSError, a decoding or parse error (json, TOML, yaml's own, imported
            # lazily), RecursionError, and the AttributeError or TypeError that yaml's
            # constructors raise on odd input (`a: !!timestamp 2020-01-01x`): unreadable
            data = None
        self.loaded[path] = (data if isinstance(data, dict) else None, text)
        return self.loaded[path]

    def keys(self, path: str) -> set[str] | None:
        """The top-level keys of a config file that holds a mapping and is not composed with
        others (Hydra's `defaults` list, `_target_`); None otherwise, or if it cannot be read."""
        data, text = self._load(path)
        if data is None or "defaults" in data or "_target_" in text:
            return None
        return {str(key) for key in data}

    def is_configuration(self, path: str) -> bool:
        """A mapping that is a configuration, not data or a composition: YAML or TOML, or JSON
        with a config-like name."""
        if self.keys(path) is None:
            return False
        return not path.endswith(".json") or bool(_CONFIG_NAME_RE.search(posixpath.basename(path)))

    def placed_keys(self, path: str) -> list[tuple[str, int, int]]:
        """Each top-level key with the line and column where it is written (1, 1 if not found)."""
        data, text = self._load(path)
        assert data is not None
        lines = text.splitlines()
        heads = _line_heads(lines)
        placed = []
        for key in data:
            name = str(key) if isinstance(key, str) else _spelling(path, key, heads)
            line, column = _key_position(path, lines, name, heads)
            placed.append((name, line, column))
        return placed


def _spelling(path: str, key: Any, heads: dict[str, list[int]]) -> str:
    """How a YAML key that is not a string was written: `on:` loads as True, `null:` as None,
    `1:` as 1. The first written key that loads as the same value, else its Python value."""
    if path.endswith((".yaml", ".yml")):
        import yaml

        for head in heads:
            if not head or len(head) > 20:
                continue
            try:
                value = yaml.safe_load(head)
            except Exception:  # yaml raises many kinds: a head that is no scalar is not this key
                continue
            if type(value) is type(key) and value == key:
                return head
    return str(key)


def _parse(path: str, text: str, full: Path) -> Any:
    if path.endswith(".json"):
        return json.loads(text)
    if path.endswith(".toml"):
        return load_toml(full)
    import yaml  # only when a config file is loaded by the code

    return yaml.safe_load(text)


def _line_heads(lines: list[str]) -> dict[str, list[int]]:
    """The numbers (from 1) of the lines that could write each plain key: the text before a
    line's first `:` or `=`, quotes and brackets stripped. Matching each key against only its
    own lines keeps a config with thousands of keys linear, not quadratic."""
    heads: dict[str, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        head = _SEPARATOR_RE.split(line, maxsplit=1)[0].strip().strip("\"'[]")
        heads.setdefault(head, []).append(number)
    return heads


def _key_position(path: str, lines: list[str], key: str, heads: dict[str, list[int]]) -> tuple[int, int]:
    if _PLAIN_KEY_RE.match(key):  # written only on a line whose head it is: no regex to compile
        found = [
            (indent, number)
            for number in heads.get(key, [])
            if (indent := _plain_key_indent(path, lines[number - 1], key)) is not None
        ]
        if not found:
            return 1, 1
        indent, number = min(found)  # JSON: the least indented line, the first of those
        return number, indent + 1
    quoted = re.escape(json.dumps(key))
    escaped = re.escape(key)
    if path.endswith(".json"):
        pattern = re.compile(rf"^(\s*){quoted}\s*:")
    elif path.endswith(".toml"):
        pattern = re.compile(rf"^()(?:{escaped}|{quoted}|\[{escaped}\])\s*(?:=|$)")
    else:
        pattern = re.compile(rf"^()(?:{escaped}|{quoted}|'{escaped}')\s*:")
    best: tuple[int, int] | None = None
    for number, line in enumerate(lines, start=1):
        match = pattern.match(line)
        if match and (best is None or len(match.group(1)) < best[1] - 1):
            best = (number, len(match.group(1)) + 1)
    return best or (1, 1)


def _plain_key_indent(path: str, line: str, key: str) -> int | None:
    """The indentation of `line` if it writes the plain key `key` (always 0 for a top-level
    key, except in JSON, whose lines may be indented); None if it does not."""
    if path.endswith(".json"):
        text = line.lstrip()
        forms, separators, indent = (f'"{key}"',), (":",), len(line) - len(text)
    elif path.endswith(".toml"):
        text, forms, separators, indent = line, (key, f'"{key}"', f"[{key}]"), ("=", ""), 0
    else:
        text, forms, separators, indent = line, (key, f'"{key}"', f"'{key}'"), (":",), 0
    for form in forms:
        if text.startswith(form):
            rest = text[len(form) :].lstrip()
            if any(rest.startswith(sep) if sep else not rest for sep in separators):
                return indent
    return None
