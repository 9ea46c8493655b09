"""The command line: thin click commands over `api`, `config` and the reporters."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from mldebtlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> NoReturn:
    click.echo(f"mldebtlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _write(text: str, output_file: Path | None) -> None:
    if output_file is None:
        click.echo(text, nl=False)
        return
    tmp = output_file.with_name(f".{output_file.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output_file)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()  # never leave a partial report behind
        _fail(f"{output_file}: cannot write output: {exc.strerror or exc}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mldebtlint")
def main() -> None:
    """Find the hidden technical debt of ML systems (Sculley et al., NIPS 2015) in Python code."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--select", help="Comma-separated codes, prefixes (MLD4) or section names to enable, replacing the config."
)
@click.option("--extend-select", help="Comma-separated codes or prefixes to enable on top of the config.")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--output-file", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that fails the run [default: warning].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of the findings.")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="Use this pyproject.toml."
)
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too.")
def check(
    paths: tuple[Path, ...],
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    output_format: str,
    output_file: Path | None,
    fail_on: str | None,
    exit_zero: bool,
    statistics: bool,
    config_file: Path | None,
    force_exclude: bool,
) -> None:
    """Check PATHS (default: the current directory) for ML technical debt."""
    from mldebtlint.api import check_paths
    from mldebtlint.catalog import CatalogError
    from mldebtlint.config import ConfigError, Overrides, load_settings
    from mldebtlint.reporters import FORMATS
    from mldebtlint.reporters.text import statistics as render_statistics

    targets = list(paths) or [Path(".")]
    overrides = Overrides(
        select=_codes(select),
        extend_select=_codes(extend_select) or (),
        ignore=_codes(ignore) or (),
        fail_on=fail_on,
        config_file=config_file,
        force_exclude=force_exclude or None,
    )
    try:
        settings = load_settings(targets[0], overrides)
        report = check_paths(targets, settings)
    except (ConfigError, CatalogError) as exc:
        _fail(str(exc))
    rendered = render_statistics(report) if statistics else FORMATS[output_format](report)
    _write(rendered, output_file)
    if exit_zero:
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if report.count_at_or_above(settings.fail_on) else EXIT_CLEAN)


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every rule with its paper section and default severity."""
    from mldebtlint.catalog import CatalogError, builtin_catalog

    try:
        catalog = builtin_catalog()
    except CatalogError as exc:
        _fail(str(exc))
    if output_format == "json":
        items = [
            {
                "code": r.code,
                "name": r.name,
                "section": r.section.slug,
                "paper_section": r.section.paper,
                "section_title": r.section.title,
                "severity": r.severity.label,
                "summary": r.summary,
                "options": r.options,
            }
            for r in catalog.rules.values()
        ]
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    width = max(len(r.name) for r in catalog.rules.values())
    for rule in catalog.rules.values():
        click.echo(
            f"{rule.code}  {rule.name:<{width}}  {rule.section.paper:<2}  {rule.severity.label:<7}  {rule.summary}"
        )


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the documentation of rule CODE (e.g. MLD601)."""
    from mldebtlint.catalog import CatalogError, builtin_catalog
    from mldebtlint.docs import rule_text

    try:
        rule = builtin_catalog().get(code)
    except CatalogError as exc:
        _fail(str(exc))
    if rule is None:
        _fail(f"unknown rule code {code!r} (see `mldebtlint rules`)")
    click.echo(rule_text(rule))
