"""The data-flow rules of §2, §3, §6, §7 and §8 on their fixture project: exact findings, and
silence on the near misses next to them (a seed set in a helper module, a threshold read from
the configuration, a scaler inside a Pipeline, an explicit stacking ensemble)."""

from __future__ import annotations

from pathlib import Path

from mldebtlint.api import check_paths, check_text
from mldebtlint.config import Overrides, load_settings
from tests.conftest import FIXTURES

PROJECT = FIXTURES / "rules-s2-s8"


def _findings() -> list[tuple[str, str, int, int]]:
    report = check_paths([PROJECT], load_settings(PROJECT))
    return [(f.code, f.path, f.start.line, f.start.column) for f in report.findings]


def test_fixture_findings_are_exact() -> None:
    assert _findings() == [
        ("MLD205", "features/build_features.py", 5, 19),
        ("MLD205", "features/build_features.py", 15, 5),
        ("MLD102", "features/build_features.py", 23, 9),
        ("MLD602", "serving/app.py", 16, 32),
        ("MLD101", "training/cascade.py", 10, 1),
        ("MLD501", "training/train_config.py", 14, 66),
        ("MLD501", "training/train_config.py", 15, 67),
        ("MLD703", "training/train_config.py", 21, 16),
        ("MLD702", "training/train_unseeded.py", 11, 1),
        ("MLD702", "training/train_unseeded.py", 12, 15),
        ("MLD701", "training/train_unseeded.py", 15, 36),
        ("MLD701", "training/train_unseeded.py", 16, 9),
        ("MLD701", "training/train_unseeded.py", 19, 13),
        ("MLD701", "training/train_unseeded.py", 20, 10),
    ]


def test_seed_set_by_a_helper_of_another_module_is_seen() -> None:
    assert [f for f in _findings() if f[1] == "training/train_seeded.py"] == []


def test_near_misses_stay_silent() -> None:
    found = _findings()
    # the Pipeline, the threshold from argparse, the StackingRegressor, the logged handler
    assert not [f for f in found if f[1] == "training/train_config.py" and f[2] >= 22]
    assert not [f for f in found if f[1] == "training/cascade.py" and f[2] > 10]
    assert not [f for f in found if f[1] == "serving/app.py" and f[2] > 17]


def _codes(code: str, project: Path, select: str) -> list[tuple[str, int]]:
    report = check_text(code, "script.py", load_settings(project, Overrides(select=(select,))))
    return [(f.code, f.start.line) for f in report.findings]


def test_local_helper_that_seeds_counts_as_a_seed(project: Path) -> None:
    code = (
        "import numpy as np\n"
        "from sklearn.model_selection import train_test_split\n"
        "def reproducible():\n"
        "    np.random.seed(0)\n"
        "parts = train_test_split(X, y)\n"
        "reproducible()\n"
    )
    assert _codes(code, project, "MLD701") == []


def test_torch_seed_does_not_seed_scikit_learn(project: Path) -> None:
    code = (
        "import torch\n"
        "from sklearn.model_selection import train_test_split\n"
        "torch.manual_seed(0)\n"
        "parts = train_test_split(X, y)\n"
    )
    assert _codes(code, project, "MLD701") == [("MLD701", 4)]


def test_ensemble_with_random_state_seeds_its_estimators(project: Path) -> None:
    code = (
        "from sklearn.ensemble import AdaBoostClassifier\n"
        "from sklearn.tree import ExtraTreeClassifier\n"
        "stump = ExtraTreeClassifier(max_depth=1)\n"
        "boosted = AdaBoostClassifier(stump, random_state=0)\n"
        "print(boosted)\n"
    )
    assert _codes(code, project, "MLD701") == []


def test_fit_on_test_split_is_leakage(project: Path) -> None:
    code = (
        "from sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "X_tr, X_te = train_test_split(X, random_state=0)\n"
        "scaler = StandardScaler()\n"
        "scaler.fit(X_tr)\n"
        "X_te = scaler.fit_transform(X_te)\n"
    )
    assert _codes(code, project, "MLD703") == [("MLD703", 6)]


def test_self_training_is_not_a_cascade(project: Path) -> None:
    code = "pseudo = clf.predict(X_u)\nclf.fit(X_u, pseudo)\nother.fit(X_u, pseudo)\n"
    assert _codes(code, project, "MLD101") == [("MLD101", 3)]


EDGE_CASES = [
    "a, *rest = train_test_split(X)\nmodel.fit(rest, a)\n",
    "(a, (b, c)), d = f(), g\nm.fit(b, c)\n",
    "x[0][1].y['k'] = m.predict(X)\nother.fit(x, y)\n",
    "m.fit()\nm.fit(*args, **kwargs)\nm.fit(X=None)\n",
    "df.drop()\nmodel.fit(df.iloc[:, ::2])\nmodel.fit(df.iloc[:, f():-1])\n",
    "@app.route\ndef h():\n    return model.predict(1)\n@x.y.z(1)\ndef k(): pass\n",
    "lambda: np.random.rand()\nrandom.seed\nseed()\n(lambda: 0)()()\n",
    "for p in os.listdir(d):\n    pass\nfiles = sorted\nfiles(glob.glob('*'))\n",
    "cols = [  # comment\n    'a',\n    # 'b'\n]\nx = [c for c in set(a) for d in b]\n",
    "if (y := m.predict(X)) is not None:\n    n.fit(X, y)\n",
    "torch.backends.cudnn.benchmark: bool = True\nscaler = StandardScaler\nscaler.fit(X_test)\n",
    "class A:\n    def fit(self, X):\n        return self.predict(X)\n    x = [p for p in glob.glob('a')]\n",
]


def test_edge_cases_never_crash(project: Path) -> None:
    settings = load_settings(project, Overrides(select=("ALL",)))
    for code in EDGE_CASES:
        report = check_text(code, "edge.py", settings)
        assert not [f for f in report.findings if f.code in ("MLD001", "MLD009")], (code, report.findings)


def test_prediction_returned_by_a_local_function_is_followed(project: Path) -> None:
    code = (
        "import numpy as np\n"
        "def with_base_score(X):\n"
        "    return np.column_stack([X, base.predict(X)])\n"
        "def scaled(X):\n"
        "    X = X / 2\n"
        "    return X\n"
        "meta.fit(with_base_score(X_meta), y_meta)\n"
        "other.fit(scaled(X_meta), y_meta)\n"
    )
    assert _codes(code, project, "MLD101") == [("MLD101", 7)]


def test_rule_options_tune_the_hyperparameter_sinks(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.mldebtlint.rules.MLD501]\nparameters = ["momentum"]\n', encoding="utf-8"
    )
    code = (
        "import argparse\n"
        "import torch\n"
        "parser = argparse.ArgumentParser()\n"
        "opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)\n"
    )
    report = check_text(code, "train.py", load_settings(project, Overrides(select=("MLD501",))))
    assert [(f.code, f.start.line, f.start.column) for f in report.findings] == [("MLD501", 4, 39)]
