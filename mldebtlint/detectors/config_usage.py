"""MLD503's per-file facts: the settings a file defines and every name it could read one by (§6).

Settings are argparse options (`parser.add_argument("--lr")`, dest `lr`) and the YAML/TOML/JSON
files the code loads into a name (`cfg = yaml.safe_load(open("config.yaml"))`). A setting is
read when its name is read anywhere: an attribute (`args.lr`, `cfg.model`), a string that could
name it (`cfg["lr"]`, `getattr(args, "lr")`). Where the parsed namespace or a loaded config is
used as a whole (`vars(args)`, `**cfg`, handed to a library), any of its settings may be read, so
none of them is reported. The project pass (`config_settings.py`) joins the facts of every file.
Click options are checked here, in one file: the decorated function's parameter is the setting.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import libcst as cst

from mldebtlint.context import FileContext, assigned_names
from mldebtlint.data_paths import resolve_path
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.literals import string_value
from mldebtlint.ftypes import ConfigSetting, ConfigUsage, Rule

_PARSE_METHODS = frozenset({"parse_args", "parse_known_args", "parse_intermixed_args", "parse_known_intermixed_args"})
_LOADERS = frozenset(
    {
        "yaml.safe_load",
        "yaml.load",
        "yaml.full_load",
        "json.load",
        "json.loads",
        "tomllib.load",
        "tomli.load",
        "toml.load",
        "omegaconf.OmegaConf.load",
    }
)
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
# calls that take the whole namespace without reading a setting from it
_HARMLESS_CALLS = frozenset(
    {"print", "str", "repr", "format", "len", "isinstance", "type", "id", "bool", "hasattr", "setattr"}
)
_HARMLESS_QUALIFIED = frozenset({"pprint.pprint", "pprint.pformat", "copy.copy", "copy.deepcopy"})
_HARMLESS_METHODS = frozenset(
    {"info", "debug", "warning", "warn", "error", "critical", "exception", "log", "write", "format", "print"}
)
# methods of a loaded config (a dict) that read or change it as a whole
_WHOLE_CONFIG_METHODS = frozenset({"items", "keys", "values", "update", "copy", "setdefault", "pop", "popitem"})
_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*$")
_PARSED = "<parsed>"  # stands for a parse handed on without a name: `main(**vars(p.parse_args()))`
_Node = TypeVar("_Node", bound=cst.CSTNode)
_NAMESPACE_API = frozenset({"__dict__", "_get_kwargs", "_get_args", "__class__", "__contains__", "__eq__"})


def option_dest(flags: list[str]) -> str | None:
    """argparse's dest for an option's flags: the first long flag, else the first short one, with
    dashes turned into underscores; a positional argument's name as is."""
    longs = [f for f in flags if f.startswith("--")]
    shorts = [f for f in flags if f.startswith("-") and not f.startswith("--")]
    if not flags:
        return None
    if not longs and not shorts:
        return flags[0]
    chosen = (longs or shorts)[0].lstrip("-")
    return chosen.replace("-", "_") or None


def click_name(declarations: list[str]) -> str | None:
    """click's parameter name: a declaration without dashes, else the longest flag, dashes turned
    into underscores and lower-cased (click's own rule)."""
    plain = [d for d in declarations if d.isidentifier()]
    if plain:
        return plain[0]
    flags = sorted((d.split("/")[0] for d in declarations if d.startswith("-")), key=lambda d: -len(d.lstrip("-")))
    if not flags:
        return None
    return flags[0].lstrip("-").replace("-", "_").lower() or None


@dataclass
class _Uses:
    """How one name is used in the file (names, not scopes: over-approximating is safe here)."""

    whole: bool = False  # vars(n), n.__dict__, getattr(n, <not a literal>)
    passed_to: list[tuple[str, int | str]] = field(default_factory=list)  # (local function, arg index/keyword)
    escapes: set[str] = field(default_factory=set)  # modules it is handed to; "" unknown


@dataclass
class _Function:
    params: list[str]
    is_method: bool


class ConfigUsageCollector(Detector):
    """Records MLD503's facts (never reports; the project pass does): argparse options the file
    defines and parses, reads of a namespace from a parser that defines no such option, config
    files loaded into a name, their keys read, and every name the file reads. Click options
    that the command's function never uses are reported here."""

    PARAMS: ClassVar[dict[str, Any]] = {"config-files": True}

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.config_files = bool(self.params["config-files"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.usage: ConfigUsage | None = None  # set by `end`, read by the engine
        self.parsing = any(method in ctx.text for method in _PARSE_METHODS)
        self.reads: set[str] = set()
        self.writes: set[str] = set()
        self.stores: set[int] = set()  # ids of Attribute/Subscript nodes that are assigned to
        self.in_definition = 0  # inside an add_argument(...) call: its strings name no read
        self.options: list[tuple[str, cst.CSTNode, str]] = []  # (dest, flag node, flag)
        self.parses = 0
        self.parsers: set[int] = set()  # ids of ArgumentParser(...) calls without parents
        self.open_parser = False  # an option whose name is not a literal, set_defaults(**x), ...
        self.namespace_seeds: set[str] = set()
        self.returns_namespace: set[str] = set()  # this file's functions that return a parse
        self.closed_returns: set[str] = set()  # ... the parse of a parser this file builds
        self.assigned_calls: list[tuple[str, str]] = []  # (name, local function called)
        self.parser_names: set[str] = set()
        self.uses: dict[str, _Uses] = {}
        self.functions: dict[str, _Function] = {}
        self.imported_from: dict[str, str] = {}  # local name -> module ("" + dots for relative)
        # `args.x` reads of a closed parser's namespace: (name, node, statement, "" or the local
        # function whose result the namespace is)
        self.candidates: list[tuple[str, cst.Attribute, cst.CSTNode | None, str]] = []
        self.handles: dict[str, str | None] = {}  # `with open(p) as f`: f -> p
        self.loads: dict[int, tuple[str, cst.CSTNode, cst.CSTNode | None]] = {}  # load call id -> (path, node, stmt)
        self.load_whole: set[int] = set()  # load calls whose bound name is used as a whole
        self.approved: set[int] = set()  # Name nodes read as cfg["k"], cfg.get("k"), cfg.k, "k" in cfg
        self.key_reads: list[tuple[int, str, cst.Subscript, cst.CSTNode | None]] = []
        self.mutated: set[int] = set()  # load calls whose config is written to (cfg["k"] = ...)
        self.guarded: set[tuple[int, str]] = set()  # (load call, key) tested with `"k" in cfg`
        self.caught: set[int] = set()  # ids of Subscript nodes in a `try` that catches KeyError

    # -- definitions ------------------------------------------------------------------------
    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = "." * len(node.relative) + (self.ctx.source(node.module, 200) if node.module else "")
        for alias in node.names:
            self.imported_from[alias.evaluated_alias or alias.evaluated_name] = module

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
        is_method = bool(self.ctx.scopes[-2].kind == "class") if len(self.ctx.scopes) > 1 else False
        self.functions.setdefault(node.name.value, _Function(params, is_method))
        self._check_click_command(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                params = [p.name.value for p in (*statement.params.posonly_params, *statement.params.params)]
                self.functions.setdefault(node.name.value, _Function(params, True))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if method == "add_argument":
            self.in_definition += 1
            self._add_option(node)
        elif method == "set_defaults":
            for arg in node.args:
                if arg.keyword is not None:
                    self.writes.add(arg.keyword.value)
                elif arg.star:
                    self.open_parser = True
        elif method in _PARSE_METHODS:
            self.parses += 1
            if any(a.keyword is not None and a.keyword.value == "namespace" for a in node.args):
                self.open_parser = True
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "dest":  # add_subparsers(dest="command")
                dest = string_value(arg.value)
                if dest is not None:
                    self.writes.add(dest)
        name = self.ctx.qualified_name(func)
        if name == "argparse.ArgumentParser":
            # `ArgumentParser(**kwargs)` may hold `parents=` too
            if not any(a.star == "**" or (a.keyword is not None and a.keyword.value == "parents") for a in node.args):
                self.parsers.add(id(node))
        elif (
            name in ("setattr", "hasattr", None) and isinstance(func, cst.Name) and func.value in ("setattr", "hasattr")
        ):
            # `hasattr(args, "x")` guards a read of `args.x`: it may be missing on purpose
            key = string_value(node.args[1].value) if len(node.args) > 1 else None
            if key is not None:
                self.writes.add(key)
        elif isinstance(func, cst.Name) and func.value in ("vars", "getattr") and node.args:
            target = node.args[0].value
            dynamic = func.value == "vars" or len(node.args) < 2 or string_value(node.args[1].value) is None
            if isinstance(target, cst.Name) and dynamic:
                self._uses(target.value).whole = True
            elif _is_parse_value(target) and dynamic:  # main(**vars(parser.parse_args()))
                self._uses(_PARSED).whole = True
                self.namespace_seeds.add(_PARSED)
        elif name in _LOADERS and self.config_files:
            self._config_load(node)
        self._record_passing(node, name)

    def leave_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "add_argument":
            self.in_definition -= 1

    def _add_option(self, node: cst.Call) -> None:
        flags: list[str] = []
        dest: str | None = None
        for arg in node.args:
            if arg.keyword is None:
                text = string_value(arg.value)
                if text is None or arg.star:
                    self.open_parser = True
                    return
                flags.append(text)
            elif arg.keyword.value == "dest":
                dest = string_value(arg.value)
                if dest is None:
                    self.open_parser = True
                    return
            elif arg.keyword.value == "action" and string_value(arg.value) in ("help", "version"):
                return
        dest = dest or option_dest(flags)
        if dest is None:
            self.open_parser = True
            return
        if not flags:  # `add_argument(dest="x")`: a positional argument named by its dest
            self.options.append((dest, node, dest))
            return
        shown = next((i for i, flag in enumerate(flags) if flag.startswith("--")), 0)
        self.options.append((dest, node.args[shown].value, flags[shown]))

    # -- how names are used -----------------------------------------------------------------
    def _uses(self, name: str) -> _Uses:
        found = self.uses.get(name)
        if found is None:
            found = self.uses[name] = _Uses()
        return found

    def _record_passing(self, node: cst.Call, qualified: str | None) -> None:
        """Remember every plain name handed whole to a call: to a function of this file (its
        parameter then stands for the same object), or to somewhere else."""
        if not self.parsing:
            return  # no namespace is parsed in this file: where names go does not matter
        passed = [
            (arg.keyword.value if arg.keyword is not None else index, arg.value.value)
            for index, arg in enumerate(node.args)
            if isinstance(arg.value, cst.Name) and not arg.star
        ]
        parsed = [
            (arg.keyword.value if arg.keyword is not None else index, _PARSED)
            for index, arg in enumerate(node.args)
            if not arg.star and _is_parse_value(arg.value)
        ]
        if parsed:  # `main(parser.parse_args())`
            self.namespace_seeds.add(_PARSED)
            passed.extend(parsed)
        if not passed:
            return
        func = node.func
        local: str | None = None
        module: str | None = ""  # "" unknown, None harmless
        if isinstance(func, cst.Name):
            binding = self.ctx.lookup(func.value)
            if func.value in self.imported_from:
                module = self.imported_from[func.value]
            elif binding is not None and binding.local_definition:
                local = func.value
            elif binding is None and func.value in _HARMLESS_CALLS:
                module = None
            elif binding is not None and binding.qualified is not None:
                module = binding.qualified.rpartition(".")[0] or binding.qualified
        elif isinstance(func, cst.Attribute):
            head = func.value
            if func.attr.value in _HARMLESS_METHODS or qualified in _HARMLESS_QUALIFIED:
                module = None
            elif isinstance(head, cst.Name) and head.value in ("self", "cls"):
                local = func.attr.value
            elif qualified is not None:
                module = qualified.rpartition(".")[0]
        for where, name in passed:
            uses = self._uses(name)
            if local is not None:
                uses.passed_to.append((local, where))
            elif module is not None:
                uses.escapes.add(module)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        base = node.value
        if isinstance(base, cst.Name):
            if node.attr.value in ("__dict__", "_get_kwargs"):
                self._uses(base.value).whole = True
            load = self._loaded_config(base)
            if load is not None:
                self.approved.add(id(base))
                if node.attr.value in _WHOLE_CONFIG_METHODS:
                    self.load_whole.add(load)
        if id(node) in self.stores:
            self.writes.add(node.attr.value)
            return
        self.reads.add(node.attr.value)
        if self.parsing and isinstance(base, cst.Name):  # only a file that parses has a namespace
            via = self._closed_namespace(base)
            if via is not None:
                self.candidates.append((base.value, node, self.ctx.statement, via))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        base = node.value
        if not isinstance(base, cst.Name):
            return
        load = self._loaded_config(base)
        if load is None:
            return
        key = _single_key(node)
        if key is None:
            self.load_whole.add(load)
            return
        self.approved.add(id(base))
        if id(node) in self.stores:
            self.mutated.add(load)
        else:
            self.key_reads.append((load, key, node, self.ctx.statement))

    def visit_Try(self, node: cst.Try) -> None:
        if self.config_files and any(_catches_key_error(handler) for handler in node.handlers):
            # `try: cfg["seed"] except KeyError: ...`: an optional key, read on purpose
            self.caught.update(id(n) for n in _nodes_of(node.body, cst.Subscript))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            comparator = target.comparator
            in_test = isinstance(target.operator, (cst.In, cst.NotIn))
            key = string_value(left) if in_test and isinstance(comparator, cst.Name) else None
            if key is not None:  # `"x" in args` guards a read of `args.x`, as hasattr does
                self.writes.add(key)
            left = comparator
            load = self._loaded_config(comparator) if in_test and isinstance(comparator, cst.Name) else None
            if load is not None:
                self.approved.add(id(comparator))
                if key is not None:  # `if "warmup" in cfg: cfg["warmup"]`: an optional key
                    self.guarded.add((load, key))

    def visit_Name(self, node: cst.Name) -> None:
        if not self.loads or id(node) in self.approved:
            return
        load = self._loaded_config(node)
        if load is not None and id(node) not in self.stores:
            self.load_whole.add(load)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self.in_definition:
            return
        text = _plain_text(node.value)
        if text is None:
            text = string_value(node)
        if text is None or len(text) > 80:
            return
        if _KEY_RE.match(text):  # `getattr(args, "pred-results")`, `cfg["learning-rate"]`
            self.reads.add(text)
        for part in text.split("."):
            if part.isidentifier():
                self.reads.add(part)

    # -- assignments ------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._store(target.target)
        value = node.value
        parse = _is_parse_value(value)
        builds_parser = self._builds_parser(value)
        for target in node.targets:
            names = assigned_names(target.target)
            if not names:
                continue
            if parse:  # `args = p.parse_args()`, `opt = p.parse_known_args()[0] if k else ...`
                self.namespace_seeds.add(names[0].value)
            elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                self.assigned_calls.append((names[0].value, value.func.value))
            if builds_parser:
                self.parser_names.update(n.value for n in names)
            elif isinstance(value, cst.Call) and any(n.value in self.parser_names for n in names):
                # `parser = Model.add_model_specific_args(parser)`: the parser gets options elsewhere
                self.open_parser = True

    def _builds_parser(self, value: cst.BaseExpression | None) -> bool:
        """`argparse.ArgumentParser(...)`, or a group or subparser of one."""
        return isinstance(value, cst.Call) and (
            self.ctx.qualified_name(value.func) == "argparse.ArgumentParser" or _is_parser_call(value)
        )

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if value is None or not self.ctx.functions:
            return
        function = self.ctx.functions[-1].name.value
        if _is_parse_value(value) or (isinstance(value, cst.Name) and value.value in self.namespace_seeds):
            self.returns_namespace.add(function)
        if isinstance(value, cst.Name):
            binding = self.ctx.lookup(value.value)
            value, seq = (binding.value, binding.seq) if binding is not None else (None, None)
        else:
            seq = None
        if isinstance(value, cst.Call) and self._closed_parse(value, seq):
            self.closed_returns.add(function)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store(node.target)
        if self._builds_parser(node.value):  # `parser: argparse.ArgumentParser = argparse.ArgumentParser()`
            self.parser_names.update(n.value for n in assigned_names(node.target))

    def _store(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Attribute, cst.Subscript)):
            self.stores.add(id(target))
            if isinstance(target.value, cst.Name):
                self.stores.add(id(target.value))
        elif isinstance(target, cst.Name):
            self.stores.add(id(target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._store(element.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        item = node.item
        if node.asname is None or not isinstance(node.asname.name, cst.Name) or not isinstance(item, cst.Call):
            return
        if isinstance(item.func, cst.Name) and item.func.value == "open" and item.args:
            self.handles[node.asname.name.value] = resolve_path(self.ctx, item.args[0].value)

    # -- config files -----------------------------------------------------------------------
    def _config_load(self, node: cst.Call) -> None:
        if not node.args:
            return
        path = _loaded_path(self.ctx, node.args[0].value, self.handles)
        statement = self.ctx.statement
        bound = (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Assign)
            and statement.body[0].value is node
            and len(statement.body[0].targets) == 1
            and isinstance(statement.body[0].targets[0].target, cst.Name)
        )
        if path is None or not path.lower().endswith(_CONFIG_SUFFIXES):
            return
        self.loads[id(node)] = (path, node, statement)
        if not bound:
            self.load_whole.add(id(node))

    def _loaded_config(self, name: cst.Name) -> int | None:
        if not self.loads:
            return None
        binding = self.ctx.lookup(name.value)
        if binding is None or binding.value is None or id(binding.value) not in self.loads:
            return None
        return id(binding.value)

    # -- namespaces -------------------------------------------------------------------------
    def _closed_namespace(self, name: cst.Name) -> str | None:
        """ "" when `name` is the namespace parsed, in this scope, by a parser this file builds;
        the name of a local function whose result it is (closed if that function returns such
        a parse: known at the end of the file); None otherwise."""
        binding = self.ctx.lookup(name.value)
        if binding is None or not isinstance(binding.value, cst.Call):
            return None
        call = binding.value
        if isinstance(call.func, cst.Name):
            target = self.ctx.lookup(call.func.value, binding.seq)  # None: defined further down
            return call.func.value if target is None or target.local_definition else None
        return "" if self._closed_parse(call, binding.seq) else None

    def _closed_parse(self, call: cst.Call, seq: int | None) -> bool:
        """Is `call` `parser.parse_args()` of a parser built here with no `parents=`?"""
        if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "parse_args":
            return False
        parser = call.func.value
        if isinstance(parser, cst.Call):
            return id(parser) in self.parsers
        if not isinstance(parser, cst.Name):
            return False
        value, _ = self.ctx.resolve_value(parser, seq)
        return isinstance(value, cst.Call) and id(value) in self.parsers

    def _namespace_names(self) -> set[str]:
        """Names that may hold the parsed namespace: those bound to a parse, and the parameters
        of this file's functions that they are handed to (to a fixed point)."""
        names = set(self.namespace_seeds)
        names.update(name for name, function in self.assigned_calls if function in self.returns_namespace)
        queue = list(names)
        while queue:
            uses = self.uses.get(queue.pop())
            if uses is None:
                continue
            for function, where in uses.passed_to:
                target = self.functions.get(function)
                if target is None:
                    continue
                params = (
                    target.params[1:]
                    if target.is_method and target.params[:1] in (["self"], ["cls"])
                    else target.params
                )
                if isinstance(where, str):
                    param = where if where in params else None
                else:
                    param = params[where] if where < len(params) else None
                if param is not None and param not in names:
                    names.add(param)
                    queue.append(param)
        return names

    def end(self) -> None:
        usage = ConfigUsage()
        namespaces = self._namespace_names()
        escapes: set[str] = set()
        dynamic = False
        for name in namespaces:
            uses = self.uses.get(name)
            if uses is None:
                continue
            dynamic = dynamic or uses.whole
            escapes |= uses.escapes
        for name in self.parser_names:
            uses = self.uses.get(name)
            if uses is not None and (uses.escapes or uses.passed_to):
                self.open_parser = True
        usage.reads = " ".join(sorted(self.reads))
        usage.writes = " ".join(sorted(self.writes))
        usage.escapes = sorted(escapes)
        usage.dynamic = dynamic
        self.usage = usage
        if self.parses and not dynamic and "" not in escapes:
            # only options that this file does not read can be unread everywhere: the others
            # need no fact (and no positions, which cost a code generation of the file)
            for dest, node, flag in self.options:
                if dest not in self.reads:
                    self.record(node, ConfigSetting(kind="option", name=dest, text=flag))
        if not self.open_parser:
            dests = {dest for dest, _, _ in self.options} | self.writes | _NAMESPACE_API
            for name, attribute, statement, via in self.candidates:
                if via and via not in self.closed_returns:
                    continue
                if attribute.attr.value not in dests and not _is_dunder(attribute.attr.value):
                    text = f"{name}.{attribute.attr.value}"
                    fact = ConfigSetting(kind="undefined-option", name=attribute.attr.value, text=text)
                    self.record(attribute, fact, statement=statement)
        for load, (path, node, statement) in self.loads.items():
            whole = load in self.load_whole
            self.record(
                node, ConfigSetting(kind="config-load", name=path, text=path, dynamic=whole), statement=statement
            )
        for load, key, node, statement in self.key_reads:
            if (
                load in self.load_whole
                or load in self.mutated
                or (load, key) in self.guarded
                or id(node) in self.caught
            ):
                continue
            path = self.loads[load][0]
            fact = ConfigSetting(kind="config-key", name=key, text=self.ctx.source(node, 60), source=path)
            self.record(node, fact, statement=statement)

    # -- click ------------------------------------------------------------------------------
    def _check_click_command(self, node: cst.FunctionDef) -> None:
        options: list[tuple[str, cst.CSTNode]] = []
        for decorator in node.decorators:
            call = decorator.decorator
            if self.ctx.qualified_name(call.func if isinstance(call, cst.Call) else call) in (
                "click.pass_context",
                "click.pass_obj",
            ):
                return  # `@click.pass_context`, written without a call: ctx.params can read any option
            if not isinstance(call, cst.Call):
                continue
            name = self.ctx.qualified_name(call.func)
            if name not in ("click.option", "click.argument"):
                continue
            declarations = [string_value(a.value) for a in call.args if a.keyword is None]
            keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            if any(d is None for d in declarations) or not declarations:
                continue
            exposed = keywords.get("expose_value")
            if isinstance(exposed, cst.Name) and exposed.value == "False":
                continue
            if "callback" in keywords:
                continue
            param = click_name([d for d in declarations if d is not None])
            if param is not None:
                options.append((param, call.args[0].value))
        if not options or node.params.star_kwarg is not None:
            return
        params = {p.name.value for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)}
        used = {name.value for name in _nodes_of(node.body, cst.Name)}
        if "locals" in used or "vars" in used:
            return
        for param, declaration in options:
            if param in params and param not in used:
                self.report(
                    declaration,
                    f"click option `{param}` is never used by `{node.name.value}()`: remove the setting, or use it",
                    statement=node,
                )


def _plain_text(literal: str) -> str | None:
    """A short string literal's value without evaluating it: quotes stripped, when nothing
    in it needs escape processing (most keys and names); None otherwise."""
    if len(literal) > 84 or "\\" in literal or literal[:1] not in ("'", '"'):
        return None
    quote = literal[:3] if literal[:3] in ('"""', "'''") else literal[0]
    return literal[len(quote) : -len(quote)]


def _is_dunder(name: str) -> bool:
    """`args.__getattribute__`, `args.__setattr__`: Namespace's own methods, never an option."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_parse_call(node: cst.Call) -> bool:
    return isinstance(node.func, cst.Attribute) and node.func.attr.value in _PARSE_METHODS


def _is_parse_value(node: cst.BaseExpression | None) -> bool:
    """`p.parse_args()`, `p.parse_known_args()[0]`, or a conditional choosing between them."""
    if isinstance(node, cst.Call):
        return _is_parse_call(node)
    if isinstance(node, cst.Subscript):
        return isinstance(node.value, cst.Call) and _is_parse_call(node.value)
    if isinstance(node, cst.IfExp):
        return _is_parse_value(node.body) or _is_parse_value(node.orelse)
    return False


def _is_parser_call(node: cst.Call) -> bool:
    func = node.func
    return isinstance(func, cst.Attribute) and func.attr.value in ("add_argument_group", "add_parser", "add_subparsers")


def _single_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return string_value(node.slice[0].slice.value)


def _loaded_path(ctx: FileContext, node: cst.BaseExpression, handles: dict[str, str | None]) -> str | None:
    """The file a loader call reads: `open(p)`, a handle from `with open(p) as f`, `Path(p).read_text()`, `p`."""
    if isinstance(node, cst.Name) and node.value in handles:
        return handles[node.value]
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Name) and func.value == "open" and node.args:
            return resolve_path(ctx, node.args[0].value)
        if isinstance(func, cst.Attribute) and func.attr.value in ("read_text", "read", "read_bytes"):
            return resolve_path(ctx, func.value)
        return None
    path = resolve_path(ctx, node)
    return posixpath.normpath(path) if path else None


def _catches_key_error(handler: cst.ExceptHandler) -> bool:
    """A bare `except:`, or one naming KeyError, LookupError, Exception or BaseException."""
    if handler.type is None:
        return True
    caught = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = {getattr(c.value if isinstance(c, cst.Element) else c, "value", None) for c in caught}
    return bool(names & {"KeyError", "LookupError", "Exception", "BaseException"})


def _nodes_of(body: cst.CSTNode, kind: type[_Node]) -> list[_Node]:
    """Every node of one kind in a block: a small walk, only for a try that catches KeyError
    and for click commands."""
    found: list[_Node] = []
    stack: list[cst.CSTNode] = [body]
    while stack:
        current = stack.pop()
        if isinstance(current, kind):
            found.append(current)
        stack.extend(current.children)
    return found
