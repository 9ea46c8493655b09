"""Renderings of the data-dependency manifest: JSON (schema in docs/deps.md), Mermaid, DOT.
Pure functions of a `DataDependencies`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from mldebtlint import __version__
from mldebtlint.deps import DataDependencies, DataNode
from mldebtlint.project import DataSite

SCHEMA_VERSION = 1
_MERMAID_UNSAFE_RE = re.compile(r'["<>#`]')


def _site(site: DataSite) -> dict[str, Any]:
    access = site.access
    return {
        "file": site.file,
        "cell": access.cell,
        "line": (access.cell_start or access.start).line,
        "column": (access.cell_start or access.start).column,
        "api": access.api,
        "expression": access.expression,
        "format": access.format,
        "function": access.function,
        "trains": access.trains or (access.function == "<module>" and access.script_trains),
        "predicts": access.predicts or (access.function == "<module>" and access.script_predicts),
        "writes_predictions": access.writes_predictions,
    }


def _node(node: DataNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "path": node.path,
        "expression": node.expression or None,
        "store": node.store,
        "role": node.role,
        "formats": list(node.formats),
        "declared": node.declared,
        "declared_in": list(node.declared_in),
        "reads": [_site(s) for s in node.reads],
        "writes": [_site(s) for s in node.writes],
    }


def document(deps: DataDependencies) -> dict[str, Any]:
    """The manifest as plain data (the `--format json` document)."""
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "mldebtlint", "version": __version__},
        "summary": {
            "files": len(deps.files),
            "data": len(deps.data),
            "inputs": sum(1 for n in deps.data if n.role == "input"),
            "outputs": sum(1 for n in deps.data if n.role == "output"),
            "intermediates": sum(1 for n in deps.data if n.role == "intermediate"),
            "undeclared": sum(1 for n in deps.data if not n.declared and n.store == "file" and n.path is not None),
            "dynamic": sum(1 for n in deps.data if n.store == "dynamic"),
        },
        "files": list(deps.files),
        "data": [_node(n) for n in deps.data],
        "edges": [{"from": a, "to": b} for a, b in deps.edges],
        "problems": list(deps.problems),
    }


def render_json(deps: DataDependencies) -> str:
    return json.dumps(document(deps), indent=2, ensure_ascii=False) + "\n"


def _label(node: DataNode) -> str:
    if node.path is None:
        return f"dynamic: {node.expression}"
    return node.path if node.store == "file" else f"{node.store}: {node.path}"


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes keep quotes and markup from ending the label
    return _MERMAID_UNSAFE_RE.sub(lambda m: f"#{ord(m.group())};", text)


def render_mermaid(deps: DataDependencies) -> str:
    """A Mermaid flowchart (renders on GitHub): files as boxes, data as cylinders, undeclared
    repository files dashed."""
    file_ids = {f: f"f{i}" for i, f in enumerate(deps.files)}
    lines = ["flowchart LR"]
    for path, ident in file_ids.items():
        lines.append(f'    {ident}["{_mermaid_text(path)}"]')
    undeclared = []
    for node in deps.data:
        lines.append(f'    {node.id}[("{_mermaid_text(_label(node))}")]')
        if node.store in ("file", "dynamic") and not node.declared:
            undeclared.append(node.id)
    for source, target in deps.edges:
        lines.append(f"    {file_ids.get(source, source)} --> {file_ids.get(target, target)}")
    lines.append("    classDef undeclared stroke-dasharray: 5 5")
    if undeclared:
        lines.append(f"    class {','.join(undeclared)} undeclared")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def render_dot(deps: DataDependencies) -> str:
    """A Graphviz digraph: files as boxes, data as cylinders, undeclared files dashed."""
    file_ids = {f: f"f{i}" for i, f in enumerate(deps.files)}
    lines = ["digraph data_dependencies {", "    rankdir=LR;"]
    for path, ident in file_ids.items():
        lines.append(f'    {ident} [label="{_dot_text(path)}", shape=box];')
    for node in deps.data:
        style = ", style=dashed" if node.store in ("file", "dynamic") and not node.declared else ""
        lines.append(f'    {node.id} [label="{_dot_text(_label(node))}", shape=cylinder{style}];')
    for source, target in deps.edges:
        lines.append(f"    {file_ids.get(source, source)} -> {file_ids.get(target, target)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


DEPS_FORMATS: dict[str, Callable[[DataDependencies], str]] = {
    "json": render_json,
    "mermaid": render_mermaid,
    "dot": render_dot,
}
