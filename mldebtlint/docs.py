"""A rule's documentation as text and Markdown, from its rule file (explain, SARIF, docs)."""

from __future__ import annotations

import json
import textwrap

from mldebtlint.ftypes import Rule


def _paragraphs(text: str, width: int | None = 92) -> str:
    paras = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    if width is None:
        return "\n\n".join(paras)
    return "\n\n".join(textwrap.fill(p, width) for p in paras)


def _options(rule: Rule) -> list[str]:
    return [f"- `{name}` (default: `{json.dumps(value)}`)" for name, value in rule.options.items()]


def rule_description(rule: Rule) -> str:
    """What the rule does, as plain paragraphs (SARIF fullDescription)."""
    return _paragraphs(rule.doc.what, None)


def rule_text(rule: Rule) -> str:
    """What `mldebtlint explain CODE` prints."""
    section = rule.section
    header = f"{rule.code} {rule.name}"
    where = f"{section.paper} {section.title}" if section.paper != "-" else section.title
    out = [
        header,
        "=" * len(header),
        f"Paper section: {where}",
        f"Default severity: {rule.severity.label}",
        f"Precision: {rule.precision}",
        "",
        rule.summary,
        "",
        "## What it does",
        _paragraphs(rule.doc.what),
        "",
        "## Why is this debt?",
        _paragraphs(rule.doc.why),
        "",
        "## Example",
        textwrap.indent(rule.doc.example, "    "),
        "",
        "## Use instead",
        textwrap.indent(rule.doc.use_instead, "    "),
    ]
    options = _options(rule)
    if options:
        out += ["", "## Options", f"Set in [tool.mldebtlint.rules.{rule.code}]:", *options]
    return "\n".join(out)


def rule_markdown(rule: Rule) -> str:
    """The same documentation in Markdown (SARIF help, docs pages)."""
    section = rule.section
    where = f"{section.paper} {section.title}" if section.paper != "-" else section.title
    out = [
        f"**{rule.code} {rule.name}** ({where})",
        "",
        rule.summary,
        "",
        "### What it does",
        _paragraphs(rule.doc.what, None),
        "",
        "### Why is this debt?",
        _paragraphs(rule.doc.why, None),
        "",
        "### Example",
        "```python",
        rule.doc.example,
        "```",
        "",
        "### Use instead",
        "```python",
        rule.doc.use_instead,
        "```",
    ]
    options = _options(rule)
    if options:
        out += ["", "### Options", f"Set in `[tool.mldebtlint.rules.{rule.code}]`:", *options]
    return "\n".join(out)
