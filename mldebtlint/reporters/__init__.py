"""Reporters: pure functions from a Report (and how to show paths) to text."""

from __future__ import annotations

from collections.abc import Callable

from mldebtlint.ftypes import Report
from mldebtlint.reporters import github, json_format, markdown, sarif, text

Reporter = Callable[[Report], str]

FORMATS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
}
