"""The catalog fails loudly, naming the file, on malformed rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldebtlint.catalog import CatalogError, builtin_rules_dir, load_catalog, parse_rule

GOOD = (builtin_rules_dir() / "MLD601-fixed-threshold.toml").read_text(encoding="utf-8")


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_catalog_has_the_first_rules() -> None:
    catalog = load_catalog((builtin_rules_dir(),))
    assert {"MLD201", "MLD403", "MLD601", "MLD001", "MLD005"} <= set(catalog.rules)
    assert catalog.rules["MLD201"].section.slug == "data-dependencies"
    assert catalog.rules["MLD403"].section.paper == "§5"


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.toml", "code = ")
    with pytest.raises(CatalogError, match=r"broken\.toml: cannot read rule file"):
        parse_rule(path)


def test_unknown_detector_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.toml", GOOD.replace('detector = "fixed-threshold"', 'detector = "nope"'))
    with pytest.raises(CatalogError, match=r"x\.toml \[\[detect\]\] #1: unknown detector 'nope'"):
        parse_rule(path)


def test_unknown_key_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.toml", "colour = 1\n" + GOOD)
    with pytest.raises(CatalogError, match=r"x\.toml: unknown key `colour`"):
        parse_rule(path)


def test_code_must_match_section(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.toml", GOOD.replace('code = "MLD601"', 'code = "MLD201"'))
    with pytest.raises(CatalogError, match=r"x\.toml: code MLD201 does not carry the prefix MLD6"):
        parse_rule(path)


def test_bad_example_without_marker_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.toml", GOOD.replace("# expect: MLD601", ""))
    with pytest.raises(CatalogError, match=r"must mark a line with `# expect: MLD601`"):
        parse_rule(path)


def test_duplicate_code_names_both_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", GOOD)
    _write(tmp_path, "b.toml", GOOD.replace('name = "fixed-threshold"', 'name = "other"'))
    with pytest.raises(CatalogError, match=r"b\.toml: duplicate rule code MLD601 \(also in .*a\.toml\)"):
        load_catalog((tmp_path,))


def test_unknown_detector_parameter_names_the_rule_file() -> None:
    from mldebtlint.detectors.thresholds import FixedThreshold

    rule = load_catalog((builtin_rules_dir(),)).rules["MLD601"]
    with pytest.raises(ValueError, match=r"MLD601-fixed-threshold\.toml: detector parameter `colour` is not one of"):
        FixedThreshold(rule, {"colour": 1})
