"""MLD503 unused-config-setting: exact findings over small projects, and what keeps it silent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mldebtlint.detectors.config_settings import module_checked
from mldebtlint.detectors.config_usage import click_name, option_dest
from tests.conftest import run_cli

TRAIN = """\
import argparse

from {module} import build

parser = argparse.ArgumentParser()
parser.add_argument("--hidden-size", type=int)
parser.add_argument("--depth", type=int)
args = parser.parse_args()
build(args)
"""
MODEL = "def build(args):\n    return args.hidden_size\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _mld503(root: Path, *paths: str) -> list[tuple[str, int, int, str]]:
    result = run_cli("check", *(paths or (".",)), "--select", "MLD503", "--format", "json", "--exit-zero", cwd=root)
    assert result.exit_code == 0, result.output
    return [
        (r["filename"], r["location"]["row"], r["location"]["column"], r["message"])
        for r in json.loads(result.output)["results"]
    ]


def test_an_option_read_in_another_checked_file_is_used(project: Path) -> None:
    _write(project, {"train.py": TRAIN.format(module="model"), "model.py": MODEL})
    assert _mld503(project) == [
        ("train.py", 7, 21, "option `--depth` is parsed, but nothing reads `depth`: remove it, or use it")
    ]


def test_a_namespace_handed_to_a_module_that_was_not_checked_is_left_alone(project: Path) -> None:
    _write(project, {"train.py": TRAIN.format(module="model"), "model.py": MODEL})
    assert _mld503(project, "train.py") == []  # a pre-commit run on train.py alone cannot see model.py


@pytest.mark.parametrize("module", ["pytorch_lightning", ".model"])
def test_a_namespace_handed_to_a_library_or_unresolved_module_is_left_alone(project: Path, module: str) -> None:
    _write(project, {"train.py": TRAIN.format(module=module)})
    assert _mld503(project) == []


@pytest.mark.parametrize(
    "use",
    [
        "print(vars(args))",
        "print(args.__dict__)",
        "print(getattr(args, name))",
        "net = Net(**vars(args))",
        "trainer = Trainer.from_argparse_args(args)",
        "state.update(opts=args)",
    ],
)
def test_a_namespace_used_as_a_whole_is_left_alone(project: Path, use: str) -> None:
    code = "import argparse\n\nparser = argparse.ArgumentParser()\nparser.add_argument('--depth')\n"
    code += f"name = 'depth'\nargs = parser.parse_args()\n{use}\n"
    _write(project, {"train.py": code})
    assert _mld503(project) == []


def test_a_namespace_from_a_local_parse_function_is_followed_into_local_functions(project: Path) -> None:
    code = """\
import argparse

import wandb


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int)
    parser.add_argument("--width", type=int)
    return parser.parse_args()


def run(options):
    print(options.width)
    wandb.init(config=options)


args = parse()
run(args)
"""
    _write(project, {"train.py": code})
    assert _mld503(project) == []  # `options` is the namespace, and it goes to wandb
    _write(project, {"train.py": code.replace("    wandb.init(config=options)\n", "")})
    assert _mld503(project) == [
        ("train.py", 8, 25, "option `--depth` is parsed, but nothing reads `depth`: remove it, or use it")
    ]


def test_reads_of_undefined_options_only_from_a_parser_built_here(project: Path) -> None:
    code = """\
import argparse

import plugins

parser = argparse.ArgumentParser()
parser.add_argument("--lr", dest="learning_rate")
group = parser.add_argument_group("model")
group.add_argument("--depth")
args = parser.parse_args()
args.run_name = "x"
print(args.learning_rate, args.depth, args.run_name, args.lr)
"""
    elsewhere = """import argparse

import plugins

parser = argparse.ArgumentParser()
plugins.register(parser)
extra = parser.parse_args()
print(extra.anything)
"""
    _write(project, {"train.py": code, "plugin_train.py": elsewhere})
    message = "`args.lr` is read, but the parser defines no option `lr`: an AttributeError when this line runs"
    assert _mld503(project) == [("train.py", 11, 54, message)]


def test_config_file_keys_in_yaml_toml_and_json(project: Path) -> None:
    code = """\
import json
import tomllib

import yaml

with open("conf/train.yaml") as handle:
    cfg = yaml.safe_load(handle)
print(cfg["model"], cfg.get("seed"), "epochs" in cfg)
with open("settings.toml", "rb") as handle:
    toml_cfg = tomllib.load(handle)
print(toml_cfg["model"], toml_cfg["batch"])
params = json.load(open("params.json"))
print(params["model"])
vocab = json.load(open("vocab.json"))
print(vocab["<pad>"])
"""
    _write(
        project,
        {
            "train.py": code,
            "conf/train.yaml": "model: resnet\nseed: 1\nepochs: 3\nunused_key: 2\n",
            "settings.toml": "model = 'resnet'\n\n[optimizer]\nname = 'adam'\n",
            "params.json": '{\n  "model": "x",\n  "dropout": 0.1,\n  "nested": {"dropout": 1}\n}\n',
            "vocab.json": '{"<pad>": 0, "the": 1}\n',
        },
    )
    assert _mld503(project) == [
        (
            "conf/train.yaml",
            4,
            1,
            "config key `unused_key` is set, but nothing that loads conf/train.yaml (train.py) reads it: "
            "remove it, or use it",
        ),
        (
            "params.json",
            3,
            3,
            "config key `dropout` is set, but nothing that loads params.json (train.py) reads it: remove it, or use it",
        ),
        (
            "params.json",
            4,
            3,
            "config key `nested` is set, but nothing that loads params.json (train.py) reads it: remove it, or use it",
        ),
        (
            "settings.toml",
            3,
            1,
            "config key `optimizer` is set, but nothing that loads settings.toml (train.py) reads it: "
            "remove it, or use it",
        ),
        (
            "train.py",
            11,
            26,
            '`toml_cfg["batch"]` reads key `batch`, which settings.toml does not define: '
            "a KeyError when this line runs",
        ),
    ]


@pytest.mark.parametrize(
    ("config", "use"),
    [
        ("model: a\nextra: 1\n", "build(**cfg)"),
        ("model: a\nextra: 1\n", "for key, value in cfg.items(): print(key)"),
        ("model: a\nextra: 1\n", "cfg.update(other)"),
        ("model: a\nextra: 1\n", "print(cfg[key])"),
        ("defaults:\n  - model: a\nextra: 1\n", "print(cfg['model'])"),
        ("model:\n  _target_: nets.Net\nextra: 1\n", "print(cfg['model'])"),
        ("model: [unclosed\n", "print(cfg['model'])"),
        ("- a list\n- not a mapping\n", "print(cfg['model'])"),
    ],
)
def test_configs_used_as_a_whole_composed_or_unreadable_are_left_alone(project: Path, config: str, use: str) -> None:
    code = (
        f"import yaml\n\nkey = 'model'\nwith open('config.yaml') as handle:\n    cfg = yaml.safe_load(handle)\n{use}\n"
    )
    _write(project, {"train.py": code, "config.yaml": config})
    assert _mld503(project) == []


def test_a_suppression_on_the_option_line_holds(project: Path) -> None:
    code = TRAIN.format(module="model").replace(
        'parser.add_argument("--depth", type=int)', 'parser.add_argument("--depth", type=int)  # noqa: MLD503'
    )
    _write(project, {"train.py": code, "model.py": MODEL})
    assert _mld503(project) == []


def test_config_can_turn_off_either_half(project: Path) -> None:
    _write(
        project,
        {
            "train.py": TRAIN.format(module="model") + "import yaml\ncfg = yaml.safe_load(open('c.yaml'))\n",
            "model.py": MODEL,
            "c.yaml": "unused: 1\n",
            "pyproject.toml": "[tool.mldebtlint.rules.MLD503]\noptions = false\n",
        },
    )
    assert [(f[0], f[1]) for f in _mld503(project)] == [("c.yaml", 1)]
    (project / "pyproject.toml").write_text("[tool.mldebtlint.rules.MLD503]\nconfig-files = false\n")
    assert [(f[0], f[1]) for f in _mld503(project)] == [("train.py", 7)]


@pytest.mark.parametrize(
    ("flags", "dest"),
    [(["-l", "--learning-rate"], "learning_rate"), (["-v"], "v"), (["input_file"], "input_file"), ([], None)],
)
def test_option_dest_follows_argparse(flags: list[str], dest: str | None) -> None:
    assert option_dest(flags) == dest


@pytest.mark.parametrize(
    ("declarations", "name"),
    [(["--max-epochs"], "max_epochs"), (["-n", "--num-Layers"], "num_layers"), (["--from", "from_"], "from_")],
)
def test_click_name_follows_click(declarations: list[str], name: str) -> None:
    assert click_name(declarations) == name


@pytest.mark.parametrize(
    ("module", "visible"),
    [("model", True), ("pkg.nets", True), ("pkg.nets.build", True), (".nets", True), ("torch", False), ("", False)],
)
def test_module_checked_resolves_like_sys_path(module: str, visible: bool) -> None:
    checked = frozenset({"scripts/model.py", "pkg/nets.py", "pkg/__init__.py"})
    file = "pkg/train.py" if module.startswith(".") else "scripts/train.py"
    assert module_checked(file, module, checked) is visible


@pytest.mark.parametrize(
    "parse",
    [
        "opt = parser.parse_known_args()[0] if known else parser.parse_args()\n    return opt",
        "return parser.parse_args()",
    ],
)
def test_a_namespace_returned_by_any_parse_and_splatted_is_left_alone(project: Path, parse: str) -> None:
    code = f"""\
import argparse


def parse_opt(known=False):
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights")
    {parse}


def run(weights=None):
    print(weights)


opt = parse_opt()
run(**vars(opt))
"""
    _write(project, {"export.py": code})
    assert _mld503(project) == []


def test_a_parse_handed_on_without_a_name_is_followed(project: Path) -> None:
    code = """\
import argparse


def main(url, out, workers):
    print(url, out, workers)


p = argparse.ArgumentParser()
p.add_argument("url")
p.add_argument("--out")
p.add_argument("--workers")
main(**vars(p.parse_args()))
"""
    _write(project, {"download.py": code})
    assert _mld503(project) == []


def test_a_closed_parsers_namespace_returned_by_a_local_function_is_checked(project: Path) -> None:
    code = """\
import argparse


def main():
    args = parse_args()
    print(args.models_name, args.annotation)


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("pred-results", nargs="+")
    parser.add_argument("--annotation")
    args = parser.parse_args()
    return args
"""
    _write(project, {"fuse.py": code})
    assert _mld503(project) == [
        (
            "fuse.py",
            6,
            11,
            "`args.models_name` is read, but the parser defines no option `models_name`: "
            "an AttributeError when this line runs",
        ),
        (
            "fuse.py",
            11,
            25,
            "argument `pred-results` is parsed, but nothing reads it: its dest keeps the hyphen, so "
            "`args.pred_results` fails; use underscores or `dest=`",
        ),
    ]


def test_guarded_reads_and_namespace_methods_are_not_undefined_options(project: Path) -> None:
    code = """\
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--lr")
args = parser.parse_args()
print(args.lr, args.__getattribute__("lr"))
if hasattr(args, "local_rank") and "momentum" in args:
    print(args.local_rank, args.momentum)
print(args.missing)
"""
    _write(project, {"train.py": code})
    message = (
        "`args.missing` is read, but the parser defines no option `missing`: an AttributeError when this line runs"
    )
    assert _mld503(project) == [("train.py", 9, 7, message)]


def test_an_annotated_parser_handed_on_gets_options_elsewhere(project: Path) -> None:
    code = """\
import argparse
from model import add_model_args

parser: argparse.ArgumentParser = argparse.ArgumentParser()
add_model_args(parser)
args = parser.parse_args()
print(args.depth)
"""
    _write(project, {"train.py": code, "model.py": "def add_model_args(p):\n    p.add_argument('--depth')\n"})
    assert _mld503(project) == []


def test_a_parser_built_from_keyword_arguments_may_have_parents(project: Path) -> None:
    code = """\
import argparse
from base import base_parser

parser = argparse.ArgumentParser(**{"parents": [base_parser]})
args = parser.parse_args()
print(args.seed)
"""
    _write(project, {"train.py": code})
    assert _mld503(project) == []


def test_an_argument_named_only_by_dest_is_an_option(project: Path) -> None:
    code = """\
import argparse

parser = argparse.ArgumentParser()
parser.add_argument(dest="checkpoint")
parser.add_argument(dest="output")
args = parser.parse_args()
print(args.checkpoint)
"""
    _write(project, {"train.py": code})
    message = "option `output` is parsed, but nothing reads `output`: remove it, or use it"
    assert _mld503(project) == [("train.py", 5, 1, message)]


def test_a_config_path_that_cannot_be_stat_ed_is_left_alone(project: Path) -> None:
    code = f"import yaml\ncfg = yaml.safe_load(open('{'c' * 300}.yaml'))\nprint(cfg['x'])\n"
    _write(project, {"train.py": code})
    assert _mld503(project) == []  # the name is too long for the file system: no file, no crash


def test_config_keys_are_placed_at_their_top_level_line(project: Path) -> None:
    code = """\
import json
import tomllib
import yaml

with open("params.json") as handle:
    p = json.load(handle)
with open("config.toml", "rb") as handle:
    t = tomllib.load(handle)
with open("config.yaml") as handle:
    y = yaml.safe_load(handle)
print(p["used"], t["used"], y["used"])
"""
    params = '{\n  "model": {\n    "dropout": 1\n  },\n  "dropout": 2,\n  "used": 0\n}\n'
    toml = 'used = 1\n[train]\nepochs = 1\n"quoted" = 2\n'
    yaml_text = 'used: 1\nnested:\n  plain: 1\nplain: 2\n"two words": 3\n'
    _write(project, {"train.py": code, "params.json": params, "config.toml": toml, "config.yaml": yaml_text})
    found = [(path, line, column, message.split("`")[1]) for path, line, column, message in _mld503(project)]
    assert found == [
        ("config.toml", 2, 1, "train"),
        ("config.yaml", 2, 1, "nested"),
        ("config.yaml", 4, 1, "plain"),
        ("config.yaml", 5, 1, "two words"),
        ("params.json", 2, 3, "model"),
        ("params.json", 5, 3, "dropout"),
    ]


def test_a_click_command_that_gets_its_context_is_left_alone(project: Path) -> None:
    code = """\
import click


@click.command()
@click.option("--lr", type=float)
@click.pass_context
def train(ctx, lr):
    run(**ctx.params)


@click.command()
@click.option("--epochs", type=int)
def evaluate(epochs):
    pass
"""
    _write(project, {"cli.py": code})
    message = "click option `epochs` is never used by `evaluate()`: remove the setting, or use it"
    assert _mld503(project) == [("cli.py", 12, 15, message)]


def test_a_key_tested_with_in_is_optional_not_missing(project: Path) -> None:
    code = """\
import yaml

cfg = yaml.safe_load(open("config.yaml"))
print(cfg["lr"])
if "warmup" in cfg:
    print(cfg["warmup"])
schedule = cfg["schedule"] if "schedule" in cfg else "cosine"
print(cfg["seed"])
"""
    _write(project, {"train.py": code, "config.yaml": "lr: 0.1\n"})
    message = '`cfg["seed"]` reads key `seed`, which config.yaml does not define: a KeyError when this line runs'
    assert _mld503(project) == [("train.py", 8, 7, message)]


@pytest.mark.parametrize("config", ["a: !!timestamp 2020-01-01x\n", "a: 2020-13-45\n"])
def test_a_config_yaml_cannot_construct_is_left_alone(project: Path, config: str) -> None:
    code = "import yaml\ncfg = yaml.safe_load(open('config.yaml'))\nprint(cfg['b'])\n"
    _write(project, {"train.py": code, "config.yaml": config})
    assert _mld503(project) == []


def test_a_key_read_in_a_try_that_catches_key_error_is_optional(project: Path) -> None:
    code = """\
import yaml

cfg = yaml.safe_load(open("config.yaml"))
try:
    seed = cfg["seed"]
except (KeyError, TypeError):
    seed = 0
try:
    workers = cfg["workers"]
except ValueError:
    workers = 1
print(cfg["lr"], seed, workers)
"""
    _write(project, {"train.py": code, "config.yaml": "lr: 0.1\n"})
    message = '`cfg["workers"]` reads key `workers`, which config.yaml does not define: a KeyError when this line runs'
    assert _mld503(project) == [("train.py", 9, 15, message)]


def test_suppression_comments_in_config_and_requirements_files_hold(project: Path) -> None:
    code = "import yaml\n\ncfg = yaml.safe_load(open('config.yaml'))\nprint(cfg['model'])\n"
    config = (
        "model: resnet\n"
        "kept_for_sweeps: 1  # noqa: MLD503 - read by the sweep runner\n"
        "# mldebtlint: ignore[MLD503]\n"
        "legacy: 2\n"
        "unused: 3\n"
        "other: 4  # noqa: MLD704\n"
    )
    _write(project, {"train.py": code, "config.yaml": config, "requirements.txt": "torch  # noqa: MLD704\nnumpy\n"})
    result = run_cli("check", ".", "--select", "MLD503,MLD704,MLD005", "--format", "json", "--exit-zero", cwd=project)
    found = [(r["code"], r["filename"], r["location"]["row"]) for r in json.loads(result.output)["results"]]
    assert found == [
        ("MLD503", "config.yaml", 5),
        ("MLD503", "config.yaml", 6),
        ("MLD005", "config.yaml", 6),
        ("MLD704", "requirements.txt", 2),
    ]


def test_yaml_keys_that_load_as_booleans_or_null_are_named_as_written(project: Path) -> None:
    code = "import yaml\n\ncfg = yaml.safe_load(open('config.yaml'))\nprint(cfg['model'])\n"
    _write(project, {"train.py": code, "config.yaml": "model: a\non: push\nnull: 1\n"})
    assert [(f[0], f[1], f[2], f[3].split(",")[0]) for f in _mld503(project)] == [
        ("config.yaml", 2, 1, "config key `on` is set"),
        ("config.yaml", 3, 1, "config key `null` is set"),
    ]
