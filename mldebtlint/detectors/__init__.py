"""Detectors: the Python checks that rules bind to. Registered by name, imported lazily."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mldebtlint.detectors.base import Detector

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
}


def detector_class(name: str) -> type[Detector] | None:
    """The class behind a detector name; None for the engine's built-in diagnostics."""
    target = DETECTORS[name]
    if not target:
        return None
    module_name, _, class_name = target.partition(":")
    cls: type[Detector] = getattr(importlib.import_module(module_name), class_name)
    return cls
