"""Configuration: discovery of pyproject.toml, validation with messages naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldebtlint.config import ConfigError, Overrides, load_settings
from mldebtlint.ftypes import Severity


def _config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint]\n" + body, encoding="utf-8")


def test_defaults_enable_every_rule(project: Path) -> None:
    settings = load_settings(project)
    assert {"MLD201", "MLD403", "MLD601", "MLD005"} <= settings.enabled
    assert settings.fail_on == Severity.WARNING
    assert settings.root == project.resolve()


def test_select_ignore_extend(project: Path) -> None:
    _config(project, 'select = ["MLD2", "MLD4"]\nextend-select = ["MLD601"]\nignore = ["MLD403"]\n')
    settings = load_settings(project)
    expected = {c for c in settings.catalog.rules if c[:4] in ("MLD2", "MLD4") and c != "MLD403"} | {"MLD601"}
    assert "MLD201" in expected
    assert settings.enabled == expected


def test_cli_select_replaces_and_ignore_adds(project: Path) -> None:
    _config(project, 'select = ["MLD2"]\n')
    settings = load_settings(project, Overrides(select=("MLD4", "MLD6"), ignore=("MLD601",)))
    expected = {c for c in settings.catalog.rules if c[:4] in ("MLD4", "MLD6") and c != "MLD601"}
    assert "MLD403" in expected
    assert settings.enabled == expected


def test_config_found_from_a_subdirectory(project: Path) -> None:
    _config(project, 'fail-on = "error"\n')
    (project / "src" / "pkg").mkdir(parents=True)
    settings = load_settings(project / "src" / "pkg")
    assert settings.fail_on == Severity.ERROR
    assert settings.config_file == (project / "pyproject.toml").resolve()


def test_rule_options_and_severity_overrides(project: Path) -> None:
    _config(
        project,
        '[tool.mldebtlint.rules.MLD601]\nignore-values = [0.5, 0.9]\n[tool.mldebtlint.severity]\nMLD201 = "error"\n',
    )
    settings = load_settings(project)
    assert settings.rule_options == {"MLD601": {"ignore-values": [0.5, 0.9]}}
    assert settings.severities == {"MLD201": Severity.ERROR}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("selekt = []\n", "unknown key `selekt` in [tool.mldebtlint]"),
        ("select = 'MLD2'\n", "`select` must be a list of codes, prefixes or section names, got str"),
        ("select = ['MLD9']\n", "unknown rule selector 'MLD9'"),
        ("fail-on = 'fatal'\n", "unknown severity 'fatal'"),
        ("force-exclude = 'yes'\n", "`force-exclude` must be true or false, got str"),
        (
            "[tool.mldebtlint.rules.MLD601]\nthreshold = 1\n",
            "`rules.MLD601.threshold`: unknown option (allowed: ignore-values)",
        ),
        ("[tool.mldebtlint.rules.MLD601]\nignore-values = 0.5\n", "`rules.MLD601.ignore-values` must be a list"),
        ("[tool.mldebtlint.rules.MLD777]\nx = 1\n", "`rules.MLD777`: unknown rule code"),
        ("[tool.mldebtlint.severity]\nMLD201 = 'loud'\n", "`severity.MLD201`: unknown severity 'loud'"),
    ],
)
def test_bad_config_names_file_and_key(project: Path, body: str, message: str) -> None:
    _config(project, body)
    with pytest.raises(ConfigError) as info:
        load_settings(project)
    assert str(project / "pyproject.toml") in str(info.value)
    assert message in str(info.value)


def test_broken_pyproject_is_an_error_naming_it(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.mldebtlint\nselect = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML"):
        load_settings(project)
