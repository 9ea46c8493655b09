"""The rule catalog: rules/*.toml -> Rule objects, validated loudly at load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mldebtlint.detectors import DETECTORS
from mldebtlint.ftypes import DetectorBinding, Example, Rule, RuleDoc, Severity
from mldebtlint.taxonomy import SECTIONS_BY_SLUG
from mldebtlint.tomlfile import TOMLDecodeError, load_toml

CODE_RE = re.compile(r"^MLD\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
TOP_KEYS = {"code", "name", "section", "severity", "summary", "precision", "doc", "options", "detect", "examples"}
DOC_KEYS = {"what", "why", "example", "use-instead"}
EXAMPLE_KEYS = {"kind", "code", "filename"}


class CatalogError(Exception):
    """A rule file is malformed; the message names the file."""


@dataclass(frozen=True)
class Catalog:
    """Every rule, by code, in code order."""

    rules: dict[str, Rule]

    def get(self, code: str) -> Rule | None:
        return self.rules.get(code.upper())


def builtin_rules_dir() -> Path:
    """`rules/` shipped inside the wheel, or the repository's top-level `rules/` in a checkout."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def _require(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise CatalogError(f"{where}: missing required key `{key}`")
    value = data[key]
    if not isinstance(value, kind):
        raise CatalogError(f"{where}: `{key}` must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise CatalogError(f"{where}: unknown key `{extra[0]}` (allowed: {', '.join(sorted(allowed))})")


def parse_rule(path: Path) -> Rule:
    """Load and validate one rule file."""
    where = str(path)
    try:
        data = load_toml(path)
    except (OSError, UnicodeDecodeError, TOMLDecodeError) as exc:
        raise CatalogError(f"{where}: cannot read rule file: {exc}") from exc
    _unknown(data, TOP_KEYS, where)
    code = _require(data, "code", str, where)
    if not CODE_RE.match(code):
        raise CatalogError(f"{where}: code {code!r} is not of the form MLDnnn")
    name = _require(data, "name", str, where)
    if not NAME_RE.match(name):
        raise CatalogError(f"{where}: name {name!r} must be kebab-case")
    slug = _require(data, "section", str, where)
    section = SECTIONS_BY_SLUG.get(slug)
    if section is None:
        raise CatalogError(f"{where}: unknown section {slug!r} (allowed: {', '.join(SECTIONS_BY_SLUG)})")
    if not code.startswith(section.prefix):
        raise CatalogError(f"{where}: code {code} does not carry the prefix {section.prefix} of section {slug}")
    try:
        severity = Severity.parse(_require(data, "severity", str, where))
    except ValueError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    doc_data = _require(data, "doc", dict, where)
    _unknown(doc_data, DOC_KEYS, f"{where} [doc]")
    doc = RuleDoc(
        what=_require(doc_data, "what", str, f"{where} [doc]").strip(),
        why=_require(doc_data, "why", str, f"{where} [doc]").strip(),
        example=_require(doc_data, "example", str, f"{where} [doc]").strip("\n"),
        use_instead=_require(doc_data, "use-instead", str, f"{where} [doc]").strip("\n"),
    )
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise CatalogError(f"{where}: `options` must be a table")
    bindings = []
    for i, item in enumerate(_require(data, "detect", list, where)):
        bwhere = f"{where} [[detect]] #{i + 1}"
        if not isinstance(item, dict):
            raise CatalogError(f"{bwhere}: must be a table")
        detector = _require(item, "detector", str, bwhere)
        if detector not in DETECTORS:
            raise CatalogError(f"{bwhere}: unknown detector {detector!r} (known: {', '.join(sorted(DETECTORS))})")
        params = {k: v for k, v in item.items() if k != "detector"}
        bindings.append(DetectorBinding(detector, params))
    examples = []
    for i, item in enumerate(data.get("examples", [])):
        ewhere = f"{where} [[examples]] #{i + 1}"
        if not isinstance(item, dict):
            raise CatalogError(f"{ewhere}: must be a table")
        _unknown(item, EXAMPLE_KEYS, ewhere)
        kind = _require(item, "kind", str, ewhere)
        if kind not in ("bad", "good"):
            raise CatalogError(f"{ewhere}: kind must be 'bad' or 'good', got {kind!r}")
        snippet = _require(item, "code", str, ewhere)
        if kind == "bad" and f"# expect: {code}" not in snippet:
            raise CatalogError(f"{ewhere}: a bad example must mark a line with `# expect: {code}`")
        examples.append(Example(kind, snippet, item.get("filename", "example.py")))
    return Rule(
        code=code,
        name=name,
        section=section,
        severity=severity,
        summary=_require(data, "summary", str, where).strip(),
        doc=doc,
        options=options,
        bindings=tuple(bindings),
        examples=tuple(examples),
        precision=str(data.get("precision", "not yet measured")).strip(),
        source=path,
    )


def load_catalog(dirs: tuple[Path, ...]) -> Catalog:
    """Load every `*.toml` in the given directories; duplicate codes or names are an error."""
    rules: dict[str, Rule] = {}
    names: dict[str, Path] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise CatalogError(f"{directory}: rule directory does not exist")
        for path in sorted(directory.glob("*.toml")):
            rule = parse_rule(path)
            if rule.code in rules:
                raise CatalogError(f"{path}: duplicate rule code {rule.code} (also in {rules[rule.code].source})")
            if rule.name in names:
                raise CatalogError(f"{path}: duplicate rule name {rule.name} (also in {names[rule.name]})")
            rules[rule.code] = rule
            names[rule.name] = path
    return Catalog(dict(sorted(rules.items())))


@lru_cache(maxsize=8)
def load_catalog_cached(dirs: tuple[Path, ...]) -> Catalog:
    return load_catalog(dirs)


def builtin_catalog() -> Catalog:
    return load_catalog_cached((builtin_rules_dir(),))
