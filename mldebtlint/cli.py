"""The command line: thin click commands over `api`, `config` and the reporters."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from mldebtlint import __version__

if TYPE_CHECKING:
    from mldebtlint.config import Overrides, Settings
    from mldebtlint.ftypes import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
OUTPUT_FORMATS = ["text", "json", "sarif", "github", "markdown"]
STDIN = Path("-")


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


def _run(
    targets: list[Path],
    overrides: Overrides,
    stdin_filename: Path | None,
    *,
    jobs: int | None = None,
    cache: bool = False,
    cache_dir: Path | None = None,
) -> tuple[Report, Settings]:
    """Settings and the report for the paths, or for stdin (`-`) named `stdin_filename`."""
    from mldebtlint.api import check_paths, check_stdin
    from mldebtlint.catalog import CatalogError
    from mldebtlint.config import ConfigError, load_settings

    reading_stdin = STDIN in targets
    if reading_stdin and len(targets) > 1:
        _fail("`-` (stdin) cannot be combined with other paths")
    if stdin_filename is not None and not reading_stdin:
        _fail("--stdin-filename names the file read from stdin: pass `-` as the path")
    try:
        if reading_stdin:
            name = stdin_filename or STDIN
            settings = load_settings(name, overrides)
            return check_stdin(sys.stdin.buffer.read(), name, settings), settings
        # config and project root are looked up from the paths' common directory
        common = Path(os.path.commonpath([os.path.abspath(p) for p in targets]))
        settings = load_settings(common, overrides)
        return check_paths(targets, settings, jobs=jobs, cache=cache, cache_dir=cache_dir), settings
    except (ConfigError, CatalogError) as exc:
        _fail(str(exc))


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
@click.option("--format", "output_format", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True)
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
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings not in this ledger (see `mldebtlint baseline`).",
)
@click.option(
    "--stdin-filename", type=click.Path(path_type=Path), help="With `-` as the path: the name of the code on stdin."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: one per CPU; few files: one]."
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="MLDEBTLINT_CACHE_DIR",
    help="Cache directory [default: .mldebtlint_cache in the project root; env: MLDEBTLINT_CACHE_DIR].",
)
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
    baseline: Path | None,
    stdin_filename: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Check PATHS (default: the current directory; `-` reads stdin) for ML technical debt."""
    from mldebtlint.baseline import BaselineError, apply_ledger, load_ledger
    from mldebtlint.config import Overrides
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
    report, settings = _run(targets, overrides, stdin_filename, jobs=jobs, cache=not no_cache, cache_dir=cache_dir)
    if baseline is not None:
        try:
            report = apply_ledger(report, load_ledger(baseline), str(baseline), settings.root)
        except BaselineError as exc:
            _fail(str(exc))
    rendered = render_statistics(report) if statistics else FORMATS[output_format](report)
    _write(rendered, output_file)
    if exit_zero:
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if report.count_at_or_above(settings.fail_on) else EXIT_CLEAN)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output-file",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=".mldebtlint-baseline.json",
    show_default=True,
    help="Where to write the ledger.",
)
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="Use this pyproject.toml."
)
def baseline(paths: tuple[Path, ...], output_file: Path, config_file: Path | None) -> None:
    """Record today's findings in PATHS as accepted debt, for `check --baseline FILE`."""
    from mldebtlint.baseline import ledger_entries, render_ledger
    from mldebtlint.config import Overrides

    report, _settings = _run(list(paths) or [Path(".")], Overrides(config_file=config_file), None)
    _write(render_ledger(report), output_file)
    findings, entries = len(report.findings), len(ledger_entries(report.findings))
    counted = f"{findings} finding{'s' if findings != 1 else ''} in {entries} entr{'ies' if entries != 1 else 'y'}"
    click.echo(f"mldebtlint: {counted} written to {output_file}", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "output_format", type=click.Choice(["json", "mermaid", "dot"]), default="json", show_default=True
)
@click.option("--output-file", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the manifest here.")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="Use this pyproject.toml."
)
def deps(paths: tuple[Path, ...], output_format: str, output_file: Path | None, config_file: Path | None) -> None:
    """Print the data-dependency manifest of PATHS: every data input and output, its read and
    write sites, whether it is declared, and the edges file -> data -> file."""
    from mldebtlint.api import data_dependencies
    from mldebtlint.catalog import CatalogError
    from mldebtlint.config import ConfigError, Overrides, load_settings
    from mldebtlint.reporters.deps import DEPS_FORMATS

    targets = list(paths) or [Path(".")]
    try:
        settings = load_settings(targets[0], Overrides(config_file=config_file))
        manifest = data_dependencies(targets, settings)
    except (ConfigError, CatalogError) as exc:
        _fail(str(exc))
    _write(DEPS_FORMATS[output_format](manifest), output_file)


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
