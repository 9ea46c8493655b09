"""Calls are matched by qualified name through imports and aliases, never by spelling."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.api import check_text
from mldebtlint.config import Overrides, load_settings


def _codes(project: Path, code: str) -> list[tuple[str, int]]:
    settings = load_settings(project, Overrides(select=("MLD201",)))
    return [(f.code, f.start.line) for f in check_text(code, "m.py", settings).findings]


def test_module_alias_and_from_import_alias(project: Path) -> None:
    code = "import datasets as ds\nfrom datasets import load_dataset as ld\nds.load_dataset('imdb')\nld('imdb')\n"
    assert _codes(project, code) == [("MLD201", 3), ("MLD201", 4)]


def test_submodule_import_binds_the_top_package(project: Path) -> None:
    code = "import torch.hub\ntorch.hub.load('pytorch/vision', 'resnet18')\n"
    assert _codes(project, code) == [("MLD201", 2)]


def test_class_alias_through_assignment(project: Path) -> None:
    code = "from transformers import AutoModel\nModel = AutoModel\nModel.from_pretrained('gpt2')\n"
    assert _codes(project, code) == [("MLD201", 3)]


def test_parameter_shadowing_an_import_is_not_matched(project: Path) -> None:
    code = "from datasets import load_dataset\ndef f(load_dataset):\n    return load_dataset('imdb')\n"
    assert _codes(project, code) == []


def test_unimported_and_relative_names_are_not_matched(project: Path) -> None:
    code = "from .loaders import load_dataset\nload_dataset('imdb')\nAutoModel.from_pretrained('gpt2')\n"
    assert _codes(project, code) == []


def test_function_level_import_is_seen(project: Path) -> None:
    code = "def f():\n    from transformers import AutoTokenizer\n    return AutoTokenizer.from_pretrained('gpt2')\n"
    assert _codes(project, code) == [("MLD201", 3)]
