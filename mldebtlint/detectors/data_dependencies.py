"""Project detectors over the data facts of every file: undeclared, unstable and machine-bound
data dependencies (§3), feedback loops (§4), undeclared consumers (§2) and intermediate files
(§5 pipeline jungles)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from mldebtlint.project import DataSite, ProjectDetector, ProjectFacts, ProjectFinding

# paths on one person's machine
_PERSONAL_PATH_RE = re.compile(
    r"^(/home/[^/]+|/Users/[^/]+|/root(/|$)|/content/drive/|/mnt/[a-z]/Users/"
    r"|[A-Za-z]:[\\/]+(Users|Documents and Settings)[\\/])",
    re.IGNORECASE,
)
_MOVING_URL_RE = re.compile(r"/(master|main|latest|HEAD)/")
_COMMIT_RE = re.compile(r"\b[0-9a-f]{40}\b")
_REGISTRY_ALIAS_RE = re.compile(r"^models:/[^/@]+(/(production|staging|archived|latest|none)/?$|@)", re.IGNORECASE)
_DATA_WRITE_APIS = re.compile(r"^(pandas\.DataFrame\.to_(?!sql)|polars\.DataFrame\.write_|numpy\.save|datasets\.)")
_INTERMEDIATE_OPEN_FORMATS = frozenset({"csv", "parquet", "npy", "npz", "feather", "arrow"})
_OPEN_APIS = frozenset({"open", "io.open", "gzip.open", "bz2.open", "lzma.open", "codecs.open"})


def _shown(site: DataSite) -> str:
    return site.access.path if site.access.path is not None else site.access.expression


def _where_known(site: DataSite) -> str | None:
    """The resolved path, else its literal beginning followed by `...`, else None."""
    access = site.access
    if access.path is not None:
        return access.path
    return f"{access.prefix}..." if access.prefix else None


def _callee(site: DataSite) -> str:
    return site.access.api


def trains(site: DataSite) -> bool:
    """The access is in training code: its function fits a model, or it sits in a training
    script that does not also predict."""
    access = site.access
    return access.trains or (access.script_trains and not access.predicts and not access.script_predicts)


class UndeclaredDataDependency(ProjectDetector):
    """MLD203: a data file read from the repository that no manifest declares.

    Only resolved, relative, local paths are judged; files the repository writes itself are
    its own artifacts (see MLD402 and MLD301), and files in `ignore-extensions` (configuration,
    documentation) are not data. With no manifest at all, one finding says so for the repo.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "ignore-extensions": ["yaml", "yml", "toml", "cfg", "ini", "md", "rst", "py", "html", "sh", "log"],
        # model checkpoints loaded by `from_pretrained`: the hub rules' concern, not a data file
        "ignore-formats": ["pretrained"],
    }

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        ignored = tuple(f".{e.lower()}" for e in self.params["ignore-extensions"])
        written = {p for s in facts.writes() for p in s.local_paths}
        reads = [
            s
            for s in facts.reads()
            if s.access.store == "file"
            and s.local_paths
            and s.access.format not in self.params["ignore-formats"]
            and not s.access.path.lower().endswith(ignored)  # type: ignore[union-attr]
            and not written.intersection(s.local_paths)
        ]
        if not reads:
            return
        if facts.manifest.empty and facts.manifest.problems:
            yield ProjectFinding(
                self.rule.code,
                f"`{_callee(reads[0])}` reads `{_shown(reads[0])}`, and the data manifest cannot be checked: "
                f"{facts.manifest.problems[0]}",
                reads[0],
            )
            return
        if facts.manifest.empty:
            first = reads[0]
            count = len({s.local_paths[0] for s in reads})
            files = "1 data file is" if count == 1 else f"{count} data files are"
            yield ProjectFinding(
                self.rule.code,
                f"`{_callee(first)}` reads `{_shown(first)}`, and this repository declares no data dependencies: "
                f"{files} read undeclared (declare them in dvc.yaml, *.dvc files or "
                "`[tool.mldebtlint] data-dependencies`)",
                first,
            )
            return
        for site in reads:
            if not any(facts.manifest.declaring(p) for p in site.local_paths):
                yield ProjectFinding(
                    self.rule.code,
                    f"`{_shown(site)}` is read here but not declared as a data dependency "
                    "(dvc.yaml deps/outs, *.dvc files or `[tool.mldebtlint] data-dependencies`)",
                    site,
                )


class AbsoluteDataPath(ProjectDetector):
    """MLD204: a data path rooted in one person's machine (home directories, Google Drive)."""

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        for site in facts.sites:
            path = _where_known(site)
            if path is not None and _PERSONAL_PATH_RE.match(path):
                verb = "reads" if site.access.kind == "read" else "writes"
                yield ProjectFinding(
                    self.rule.code,
                    f"`{_callee(site)}` {verb} `{path}`, a path on one person's machine: "
                    "make it relative to the project or a configured data root",
                    site,
                )


class MutableRemoteData(ProjectDetector):
    """MLD202: data read from a location whose content can change: a URL read directly, a
    download with no checksum verified in the same function, a registry alias."""

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        for site in facts.reads():
            access = site.access
            path = _where_known(site)
            if path is None:
                continue
            if access.store == "registry":
                if _REGISTRY_ALIAS_RE.match(path) or (
                    access.api.endswith("use_artifact") and (path.endswith(":latest") or ":" not in path)
                ):
                    yield ProjectFinding(
                        self.rule.code,
                        f"`{_callee(site)}` loads `{path}`, an alias that moves to whatever is registered next: "
                        "pin a version",
                        site,
                    )
                continue
            if access.store != "url" or _COMMIT_RE.search(path):
                continue
            if access.format == "download":
                if access.verified and not _MOVING_URL_RE.search(path):
                    continue
                reason = "from a moving branch" if _MOVING_URL_RE.search(path) else "with no checksum verified"
                yield ProjectFinding(
                    self.rule.code,
                    f"`{_callee(site)}` downloads `{path}` {reason}: the data can change under you",
                    site,
                )
            else:
                yield ProjectFinding(
                    self.rule.code,
                    f"`{_callee(site)}` reads data straight from `{path}`: it can change under you "
                    "(keep a versioned copy, or verify a checksum)",
                    site,
                )


class DirectFeedbackLoop(ProjectDetector):
    """MLD301: a file written with model predictions and read by training code."""

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        writers = [s for s in facts.writes() if s.access.writes_predictions and s.local_paths]
        if not writers:
            return
        for read in facts.reads():
            if not read.local_paths or not trains(read):
                continue
            for write in writers:
                shared = [p for p in read.local_paths if p in write.local_paths]
                if shared:
                    yield ProjectFinding(
                        self.rule.code,
                        f"training reads `{shared[0]}` here, and {write.where} writes model predictions to it: "
                        "the model learns from its own output (a direct feedback loop)",
                        read,
                    )
                    break


class UndeclaredConsumer(ProjectDetector):
    """MLD103: predictions written to a shared sink (a table, a bucket, an absolute path) with
    no versioned interface: whoever reads them is a consumer nobody declared."""

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        for site in facts.writes():
            access = site.access
            path = _where_known(site)
            if not access.writes_predictions or path is None:
                continue
            if access.store == "table":
                sink = f"the SQL table `{path}`"
            elif access.store == "url" or path.startswith("/") or _PERSONAL_PATH_RE.match(path):
                sink = f"`{path}`"
            else:
                continue
            yield ProjectFinding(
                self.rule.code,
                f"predictions are written to {sink}, a shared sink with no versioned interface: "
                "whoever reads them is an undeclared consumer",
                site,
            )


class IntermediateFile(ProjectDetector):
    """MLD402 (b): a data file written by one step and read back by another inside the
    repository, outside any declared pipeline (dvc.yaml outs are a pipeline, not a jungle).
    A read in the same function as the write (a cache) is not a hop between steps."""

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        readers: dict[str, list[DataSite]] = {}
        for site in facts.reads():
            for path in site.local_paths:
                readers.setdefault(path, []).append(site)
        reported: set[str] = set()
        for write in facts.writes():
            access = write.access
            if access.writes_predictions or not _intermediate_writer(write):
                continue
            for path in write.local_paths:
                found = [r for r in readers.get(path, ()) if not _same_step(r, write)]
                if not found or path in reported:
                    continue
                if facts.manifest.declaring(path, "out") is not None:
                    break
                reported.add(path)
                more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                yield ProjectFinding(
                    self.rule.code,
                    f"intermediate file `{path}` is written here and read back at {found[0].where}{more}: "
                    "a pipeline jungle of files passed between steps; declare the stage (dvc.yaml) "
                    "or pass the data in memory",
                    write,
                )
                break


def _same_step(read: DataSite, write: DataSite) -> bool:
    """A read in the function that wrote the file is a cache or a round trip, not a hop
    between steps."""
    return read.file == write.file and read.access.function == write.access.function != "<module>"


def _intermediate_writer(site: DataSite) -> bool:
    access = site.access
    if access.api in _OPEN_APIS:
        return access.format in _INTERMEDIATE_OPEN_FORMATS
    return bool(_DATA_WRITE_APIS.match(access.api))
