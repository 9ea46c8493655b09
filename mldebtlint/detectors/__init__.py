"""Detectors: the Python checks that rules bind to. Registered by name, imported lazily."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mldebtlint.detectors.base import Detector
    from mldebtlint.ftypes import Rule
    from mldebtlint.project import ProjectDetector


def checked_params(rule: Rule, declared: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """A detector's parameters: its declared defaults overridden by the rule's; an undeclared
    name is an error naming the rule file (a typo in a rule file must not pass silently)."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValueError(f"{rule.source}: detector parameter `{unknown[0]}` is not one of {sorted(declared)}")
    return {**declared, **given}


# name used in rules/*.toml -> "module:Class"; the engine's own diagnostics bind to "engine".
DETECTORS: dict[str, str] = {
    "engine": "",
    "call-without-pin": "mldebtlint.detectors.pinning:CallWithoutPin",
    "dead-codepath": "mldebtlint.detectors.dead_code:DeadCodepath",
    "fixed-threshold": "mldebtlint.detectors.thresholds:FixedThreshold",
    "correction-cascade": "mldebtlint.detectors.cascade:CorrectionCascade",
    "implicit-feature-set": "mldebtlint.detectors.feature_set:ImplicitFeatureSet",
    "preprocessing-leakage": "mldebtlint.detectors.leakage:PreprocessingLeakage",
    "hardcoded-hyperparameter": "mldebtlint.detectors.hyperparameters:HardcodedHyperparameter",
    "nondeterministic-order": "mldebtlint.detectors.ordering:NondeterministicOrder",
    "underutilized-feature": "mldebtlint.detectors.feature_usage:UnderutilizedFeature",
    "unmonitored-serving": "mldebtlint.detectors.serving:UnmonitoredServing",
    "unseeded-randomness": "mldebtlint.detectors.randomness:UnseededRandomness",
    "self-admitted-debt": "mldebtlint.detectors.self_admitted_debt:SelfAdmittedDebt",
    "commented-out-code": "mldebtlint.detectors.commented_code:CommentedOutCode",
    "multiple-language": "mldebtlint.detectors.multiple_language:MultipleLanguage",
    "plain-old-data": "mldebtlint.detectors.plain_old_data:PlainOldData",
    "glue-code": "mldebtlint.detectors.glue_code:GlueCode",
    "pipeline-jungle": "mldebtlint.detectors.pipeline_jungle:PipelineJungle",
    "prototype-leftover": "mldebtlint.detectors.prototype_leftover:PrototypeLeftover",
    "config-usage": "mldebtlint.detectors.config_usage:ConfigUsageCollector",
    # project detectors: run once over the data facts of every file
    "undeclared-data": "mldebtlint.detectors.data_dependencies:UndeclaredDataDependency",
    "absolute-data-path": "mldebtlint.detectors.data_dependencies:AbsoluteDataPath",
    "mutable-remote-data": "mldebtlint.detectors.data_dependencies:MutableRemoteData",
    "feedback-loop": "mldebtlint.detectors.data_dependencies:DirectFeedbackLoop",
    "undeclared-consumer": "mldebtlint.detectors.data_dependencies:UndeclaredConsumer",
    "intermediate-file": "mldebtlint.detectors.data_dependencies:IntermediateFile",
    "unpinned-ml-dependency": "mldebtlint.detectors.dependency_pins:UnpinnedMlDependency",
    "conflicting-hyperparameter": "mldebtlint.detectors.hyperparameter_conflicts:ConflictingHyperparameter",
    "unused-config-setting": "mldebtlint.detectors.config_settings:UnusedConfigSetting",
}


# project detectors run after every file, in the main process: their module never imports libcst
PROJECT_DETECTORS = frozenset(
    name
    for name, target in DETECTORS.items()
    if target.startswith(
        (
            "mldebtlint.detectors.data_dependencies:",
            "mldebtlint.detectors.dependency_pins:",
            "mldebtlint.detectors.hyperparameter_conflicts:",
            "mldebtlint.detectors.config_settings:",
        )
    )
)


def detector_class(name: str) -> type[Detector] | type[ProjectDetector] | None:
    """The class behind a detector name; None for the engine's built-in diagnostics."""
    target = DETECTORS[name]
    if not target:
        return None
    module_name, _, class_name = target.partition(":")
    cls: type[Detector] | type[ProjectDetector] = getattr(importlib.import_module(module_name), class_name)
    return cls
