"""Project detector over the hyper-parameter literals of every file: the same setting given
different values in different files (§6 configuration debt)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from mldebtlint.ftypes import HyperparameterSetting
from mldebtlint.project import ProjectDetector, ProjectFacts, ProjectFinding, fact_site


class ConflictingHyperparameter(ProjectDetector):
    """MLD502: a hyper-parameter set to a literal in one file and to a different literal in
    another. Settings are compared per parameter and sink (`RandomForestClassifier`'s
    `n_estimators` is not `XGBClassifier`'s) unless option `same-sink` is false. Each site (in
    path order) whose value no earlier file uses, while an earlier file sets another value, is
    reported once, naming that file. With option `same-pipeline` (the default) only files that
    read a common data file, or read what another writes (steps of one pipeline), are
    compared: separate example scripts each train their own model."""

    PARAMS: ClassVar[dict[str, Any]] = {"same-sink": True, "same-pipeline": True}

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        pipeline = pipelines(facts) if self.params["same-pipeline"] else {}
        groups: dict[tuple[str, str, str], list[tuple[str, HyperparameterSetting]]] = {}
        for file, setting in facts.hyperparameters:
            if self.params["same-pipeline"] and file not in pipeline:
                continue
            sink = setting.sink if self.params["same-sink"] else ""
            groups.setdefault((setting.name, sink, pipeline.get(file, "")), []).append((file, setting))
        for (name, _, _), sites in sorted(groups.items()):
            for index, (file, setting) in enumerate(sites):
                elsewhere = [(f, s) for f, s in sites[:index] if f != file]
                if any(s.number == setting.number for _, s in elsewhere):
                    continue  # another file agrees with this value
                other = next(iter(elsewhere), None)
                if other is None:
                    continue
                other_file, other_setting = other
                yield ProjectFinding(
                    self.rule.code,
                    f"hyper-parameter `{name}={setting.value}` conflicts with `{name}={other_setting.value}` "
                    f"in {other_file}:{other_setting.start.line}: which one does the model use? "
                    "set it once, in the configuration",
                    fact_site(file, setting),
                )


def pipelines(facts: ProjectFacts) -> dict[str, str]:
    """Files that read a common data file, or read what another writes, are steps of one
    pipeline (two files that only write one path are not): each such file mapped to its
    pipeline's first file (in path order). Files linked to no other are left out."""
    parent: dict[str, str] = {}

    def find(file: str) -> str:
        while parent.setdefault(file, file) != file:
            file = parent[file]
        return file

    def union(one: str, other: str) -> None:
        a, b = sorted((find(one), find(other)))
        if a != b:
            parent[b] = a

    first_reader: dict[str, str] = {}
    for site in facts.reads():
        for path in site.local_paths:
            union(first_reader.setdefault(path, site.file), site.file)
    for site in facts.writes():
        for path in site.local_paths:
            if path in first_reader:
                union(first_reader[path], site.file)
    roots = {file: find(file) for file in sorted(parent)}
    sizes: dict[str, int] = {}
    for root in roots.values():
        sizes[root] = sizes.get(root, 0) + 1
    return {file: root for file, root in roots.items() if sizes[root] > 1}
