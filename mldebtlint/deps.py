"""The repository's data-dependency manifest (`mldebtlint deps`): every input and output, its
read and write sites, whether the repository declares it, and the edges file -> data -> file.
Built from the same facts as the project pass; the reporters in `reporters/deps.py` render it."""

from __future__ import annotations

from dataclasses import dataclass

from mldebtlint.project import DataSite, ProjectFacts

_CODE_SUFFIXES = (".py", ".pyi", ".ipynb", ".sh", ".R", ".r", ".jl")


@dataclass(frozen=True)
class DataNode:
    """One piece of data: a repository file, a URL, a hub or registry name, a table, or a
    dynamic path (one node per site: nothing says two dynamic paths are the same)."""

    id: str
    path: str | None  # None: dynamic
    store: str  # file, url, hub, registry, table, dynamic
    formats: tuple[str, ...]
    declared_in: tuple[str, ...]  # the manifests declaring it (empty: undeclared)
    reads: tuple[DataSite, ...]
    writes: tuple[DataSite, ...]
    expression: str = ""  # for dynamic nodes: the path expression as written

    @property
    def declared(self) -> bool:
        return bool(self.declared_in)

    @property
    def role(self) -> str:
        """input (only read), output (only written), intermediate (both), declared (neither)."""
        if self.reads and self.writes:
            return "intermediate"
        if self.writes:
            return "output"
        return "input" if self.reads else "declared"


@dataclass(frozen=True)
class DataDependencies:
    """The manifest: data nodes, the files that touch them, and the edges between them."""

    data: tuple[DataNode, ...]
    files: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]  # (from, to): a file path or a data node id
    problems: tuple[str, ...]  # manifests that could not be read


def _key(site: DataSite) -> tuple[str, str | None, str]:
    access = site.access
    if access.path is None:
        return ("dynamic", None, f"{site.file}:{access.start.line}:{access.start.column}")
    local = site.local_paths
    if access.store == "file" and local:
        return ("file", local[0], local[0])
    return (access.store, access.path, f"{access.store}:{access.path}")


def build_dependencies(facts: ProjectFacts) -> DataDependencies:
    """Group the facts by the data they touch, in a deterministic order."""
    groups: dict[tuple[str, str], list[DataSite]] = {}
    meta: dict[tuple[str, str], tuple[str, str | None]] = {}
    for site in facts.sites:
        store, path, ident = _key(site)
        key = (store, ident)
        groups.setdefault(key, []).append(site)
        meta[key] = (store, path)
    nodes: list[DataNode] = []
    covered: set[str] = set()
    for index, key in enumerate(sorted(groups, key=lambda k: (k[0] == "dynamic", k[1]))):
        sites = groups[key]
        store, path = meta[key]
        declared_in: set[str] = set()
        for site in sites:
            for local in site.local_paths:
                declaration = facts.manifest.declaring(local)
                if declaration is not None:
                    declared_in.add(declaration.source)
        if path is not None and store == "file":
            covered.add(path)
        nodes.append(
            DataNode(
                id=f"d{index}",
                path=path,
                store=store,
                formats=tuple(sorted({s.access.format for s in sites})),
                declared_in=tuple(sorted(declared_in)),
                reads=tuple(s for s in sites if s.access.kind == "read"),
                writes=tuple(s for s in sites if s.access.kind == "write"),
                expression=sites[0].access.expression if path is None else "",
            )
        )
    # declared data no code touches (yet): part of the manifest all the same
    for declaration in facts.manifest.declarations:
        if declaration.role == "glob" or declaration.path in covered or "*" in declaration.path:
            continue
        if declaration.path.endswith(_CODE_SUFFIXES):
            continue  # a stage's code dependency, not data
        covered.add(declaration.path)
        sources = sorted({d.source for d in facts.manifest.declarations if d.path == declaration.path})
        nodes.append(DataNode(f"d{len(nodes)}", declaration.path, "file", (), tuple(sources), (), ()))
    edges: set[tuple[str, str]] = set()
    for node in nodes:
        edges.update((site.file, node.id) for site in node.writes)
        edges.update((node.id, site.file) for site in node.reads)
    files = sorted({s.file for s in facts.sites})
    order = {f: i for i, f in enumerate(files)} | {n.id: len(files) + i for i, n in enumerate(nodes)}
    return DataDependencies(
        data=tuple(nodes),
        files=tuple(files),
        edges=tuple(sorted(edges, key=lambda e: (order[e[0]], order[e[1]]))),
        problems=facts.manifest.problems,
    )
