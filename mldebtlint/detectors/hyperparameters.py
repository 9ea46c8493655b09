"""Hard-coded hyper-parameters in code that otherwise reads its configuration (§6)."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.config import Settings
from mldebtlint.context import FileContext
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.literals import number_value
from mldebtlint.detectors.name_globs import name_globs
from mldebtlint.ftypes import HyperparameterSetting, Rule


class HardcodedHyperparameter(Detector):
    """A numeric literal passed as a hyper-parameter (`lr=0.01`, `n_estimators=500`) to a sink
    (an estimator, optimizer, scheduler, trainer or data loader matched by qualified name, or a
    method such as Keras `fit(epochs=...)`), in a file that reads configuration elsewhere
    (argparse, click, Hydra, OmegaConf, YAML/TOML loading, ...): the setting is then split
    between the configuration and the code. Named constants and values read from the
    configuration are not literals and are not reported; files that read no configuration are
    not checked (a self-contained example script keeps its settings in one place).
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "config-readers": [],
        "sinks": [],
        "sink-methods": [],
        "parameters": [],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.readers = name_globs(self.params["config-readers"])
        self.sinks = name_globs(self.params["sinks"])
        self.sink_methods = frozenset(self.params["sink-methods"])
        self.parameters = frozenset(self.params["parameters"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.reader: str | None = None
        self.pending: list[tuple[cst.Arg, cst.BaseExpression, cst.CSTNode | None]] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        literals = [
            a for a in node.args if a.keyword is not None and a.keyword.value in self.parameters and _is_number(a.value)
        ]
        if not literals and self.reader is not None:
            return
        name = self.ctx.qualified_name(func)
        if name is not None and self.reader is None and self.readers is not None and self.readers.match(name):
            self.reader = name
        if not literals:
            return
        if name is not None:
            if self.sinks is None or not self.sinks.match(name):
                return
        elif not (isinstance(func, cst.Attribute) and func.attr.value in self.sink_methods):
            return
        for arg in literals:
            self.pending.append((arg, func, self.ctx.statement))

    def end(self) -> None:
        if self.reader is None:
            return
        for arg, func, statement in self.pending:
            callee = self.ctx.source(func, 40)
            setting = f"{arg.keyword.value if arg.keyword else ''}={self.ctx.source(arg.value, 30)}"
            self.report(
                arg,
                f"hyper-parameter `{setting}` is hard-coded in `{callee}(...)` while this file "
                f"reads its configuration (`{self.reader}`): set it in the configuration",
                statement=statement,
            )


def _is_number(node: cst.BaseExpression) -> bool:
    return number_value(node) is not None


_COLLECTED = ("sinks", "sink-methods", "parameters")


class HyperparameterCollector(Detector):
    """Records every numeric hyper-parameter literal at a sink as a `HyperparameterSetting`
    fact for MLD502 (never reports). It matches what MLD501 matches (the same options), in
    every file, whether or not the file reads configuration."""

    PARAMS: ClassVar[dict[str, Any]] = {key: [] for key in _COLLECTED}

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.sinks = name_globs(self.params["sinks"])
        self.sink_methods = frozenset(self.params["sink-methods"])
        self.parameters = frozenset(self.params["parameters"])

    def visit_Call(self, node: cst.Call) -> None:
        literals = [a for a in node.args if a.keyword is not None and a.keyword.value in self.parameters]
        literals = [a for a in literals if _is_number(a.value)]
        if not literals:
            return
        func = node.func
        name = self.ctx.qualified_name(func)
        if name is not None:
            if self.sinks is None or not self.sinks.match(name):
                return
            sink = name
        elif isinstance(func, cst.Attribute) and func.attr.value in self.sink_methods:
            sink = f".{func.attr.value}"
        else:
            return
        for arg in literals:
            assert arg.keyword is not None
            value = self.ctx.source(arg.value, 30)
            number = number_value(arg.value)
            assert number is not None
            self.record(arg, HyperparameterSetting(arg.keyword.value, value, float(number), sink))


def hyperparameter_collector(settings: Settings, project_codes: frozenset[str]) -> HyperparameterCollector | None:
    """The collector MLD502 needs, with MLD501's sink and parameter options (rule file and the
    user's `[tool.mldebtlint.rules.MLD501]`); None when no enabled project rule uses the facts."""
    rules = settings.catalog.rules
    users = [
        rules[code]
        for code in sorted(project_codes)
        if any(b.detector == "conflicting-hyperparameter" for b in rules[code].bindings)
    ]
    if not users:
        return None
    source = rules.get("MLD501")
    options = {**(source.options if source else {}), **settings.rule_options.get("MLD501", {})}
    return HyperparameterCollector(users[0], {k: v for k, v in options.items() if k in _COLLECTED})
