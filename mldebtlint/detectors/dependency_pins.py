"""Project detector over the repository's dependency declarations: ML libraries named without
a version pin (§8, reproducibility debt)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from mldebtlint.project import DataSite, ProjectDetector, ProjectFacts, ProjectFinding, declaration_site
from mldebtlint.requirements import load_dependencies, normalise


class UnpinnedMlDependency(ProjectDetector):
    """MLD704: a requirements file, pyproject or environment file that names an ML library with
    no `==`, `~=` or upper bound, in a repository with no lock file."""

    PARAMS: ClassVar[dict[str, Any]] = {
        "package-metadata": False,
        "libraries": [
            "torch",
            "torchvision",
            "torchaudio",
            "tensorflow",
            "tensorflow-gpu",
            "keras",
            "jax",
            "jaxlib",
            "flax",
            "scikit-learn",
            "sklearn",
            "xgboost",
            "lightgbm",
            "catboost",
            "transformers",
            "datasets",
            "tokenizers",
            "accelerate",
            "numpy",
            "pandas",
            "scipy",
            "pytorch-lightning",
            "lightning",
            "statsmodels",
            "onnxruntime",
            "sentence-transformers",
            "peft",
            "diffusers",
            "timm",
        ],
    }

    def check(self, facts: ProjectFacts) -> Iterator[ProjectFinding]:
        if facts.root is None:
            return
        declared = load_dependencies(facts.root, package_metadata=self.params["package-metadata"])
        if declared.lock is not None:
            return
        libraries = {normalise(name) for name in self.params["libraries"]}
        for requirement in declared.requirements:
            if requirement.pinned or requirement.name not in libraries:
                continue
            site: DataSite = declaration_site(
                requirement.file, requirement.line, requirement.column, len(requirement.name), requirement.text
            )
            yield ProjectFinding(
                self.rule.code,
                f"`{requirement.text}` does not pin a version of the ML library `{requirement.name}`, and no lock "
                "file pins it: a new release can change the model's results (pin it with `==` or `~=`, or "
                "commit a lock file)",
                site,
            )
