"""Unseeded randomness: results that change from run to run for no reason in the code (§8)."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.literals import truth_value
from mldebtlint.detectors.name_globs import name_globs
from mldebtlint.ftypes import Rule

_ALL = "all"
_ESTIMATORS = "estimators"  # seeded by `set_params(random_state=...)` or by NumPy's global seed
_NEVER = "never"  # a generator created without a seed: no global seed reaches it


class UnseededRandomness(Detector):
    """Stochastic estimators and splitters without `random_state`, draws from a global generator,
    unseeded generators and shuffling data loaders, in a file that sets no seed.

    A seed is any call whose name contains "seed" (`np.random.seed`, `torch.manual_seed`,
    `tf.random.set_seed`, `seed_everything`, `utils.set_seed(args.seed)`, a local helper that
    seeds), anywhere in the file: the order of calls is not checked, and a helper that seeds is
    recognised by its name or by the seeding calls in its body. Seeds count per library: a
    `torch.manual_seed` does not seed scikit-learn, which draws from NumPy's global generator; a
    call not known to one library (`seed_everything`) counts for all. Global draws are reported
    once per library and file. Only scripts (a `__main__` guard or a call at module level) and
    code that runs at import are checked: a library function's callers decide the seed.
    Generators created without a seed are always reported.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "estimators": [],
        "shuffle-splitters": [],
        "seed-keywords": ["random_state", "seed", "random_seed"],
        "seed-functions": {},
        "global-draws": {},
        "unseeded-generators": [],
        "data-loaders": ["torch.utils.data.DataLoader"],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.estimators = name_globs(self.params["estimators"])
        self.shuffle_splitters = frozenset(self.params["shuffle-splitters"])
        self.seed_keywords = frozenset(self.params["seed-keywords"])
        self.seed_functions: dict[str, str] = dict(self.params["seed-functions"])
        # library -> qualified prefix and the functions under it that draw from its global generator
        self.global_draws: dict[str, tuple[str, frozenset[str]]] = {
            library: (spec["module"], frozenset(spec["functions"]))
            for library, spec in self.params["global-draws"].items()
        }
        self.unseeded_generators = frozenset(self.params["unseeded-generators"])
        self.data_loaders = frozenset(self.params["data-loaders"])

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self.seeded: set[str] = set()
        # (library the finding needs seeded, node, message, statement, runs at module level)
        self.pending: list[tuple[str, cst.Call, str, cst.CSTNode | None, bool]] = []
        self.drawn: set[str] = set()
        # estimators handed to a call that seeds them (`AdaBoost(DecisionTree(), random_state=0)`)
        self.seeded_arguments: set[int] = set()
        self.seeded_names: set[str] = set()
        self.estimator_names: dict[int, str] = {}
        self.is_script = False

    # -- is this file a script (its randomness runs here) or a library (its callers seed)? --
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if not self.is_script and self.ctx.at_module_level:
            self.is_script = any(isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) for s in node.body)

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        if self.ctx.at_module_level and isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name):
            self.is_script = self.is_script or test.left.value == "__name__"

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is cst.Attribute:
            last = func.attr.value
        elif type(func) is cst.Name:
            last = func.value
        else:
            return
        if last == "set_params" and any(
            a.keyword is not None and a.keyword.value in self.seed_keywords for a in node.args
        ):
            self.seeded.add(_ESTIMATORS)  # `est.set_params(random_state=seed)` in a helper
            return
        if "seed" in last.lower():
            name = self.ctx.qualified_name(func)
            self.seeded.add(self.seed_functions.get(name or "", _ALL))
            return
        name = self.ctx.qualified_name(func)
        if name is None:
            return
        if name in self.unseeded_generators:
            if not node.args:
                self._pending(_NEVER, node, f"`{self.ctx.source(func)}()` creates a generator with no seed")
            return
        for library, (module, functions) in self.global_draws.items():
            if name.startswith(module) and name[len(module) :] in functions:
                if library not in self.drawn:
                    self.drawn.add(library)
                    self._pending(
                        library,
                        node,
                        f"`{self.ctx.source(func)}` draws from {library}'s global generator and no {library} seed "
                        "is set in this file",
                    )
                return
        if name in self.data_loaders:
            self._check_loader(node)
            return
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if self.seed_keywords & set(keywords):
            self._seeds_arguments(node)
            return
        if any(a.star == "**" for a in node.args) or id(node) in self.seeded_arguments:
            return
        shuffle = truth_value(keywords["shuffle"]) if "shuffle" in keywords else None
        if name in self.shuffle_splitters:
            random = shuffle is True  # `KFold(shuffle=True)`
        else:
            random = self.estimators is not None and bool(self.estimators.match(name)) and shuffle is not False
        if not random:
            return
        statement = self.ctx.statement
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Assign):
            assign = statement.body[0]
            if assign.value is node and isinstance(assign.targets[0].target, cst.Name):
                self.estimator_names[id(node)] = assign.targets[0].target.value
        shown = self.ctx.source(func)
        self._pending(_ESTIMATORS, node, f"`{shown}` is random and has no `random_state`, and no NumPy seed is set")

    def _seeds_arguments(self, node: cst.Call) -> None:
        """An ensemble or search given `random_state` seeds the estimators passed to it."""
        for arg in node.args:
            values = [arg.value]
            if isinstance(arg.value, (cst.List, cst.Tuple)):  # `estimators=[("rf", RF()), ...]`
                values = [e.value for e in arg.value.elements]
                values += [i.value for v in values if isinstance(v, cst.Tuple) for i in v.elements]
            for value in values:
                if isinstance(value, cst.Name):
                    self.seeded_names.add(value.value)
                else:
                    self.seeded_arguments.add(id(value))

    def _check_loader(self, node: cst.Call) -> None:
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        shuffle = keywords.get("shuffle")
        if shuffle is None or truth_value(shuffle) is not True or "generator" in keywords:
            return
        if any(a.star == "**" for a in node.args):
            return
        self._pending(
            "torch",
            node,
            f"`{self.ctx.source(node.func)}(shuffle=True)` has no `generator` and no torch seed is set",
        )

    def _pending(self, library: str, node: cst.Call, message: str) -> None:
        at_module_level = not self.ctx.functions
        self.pending.append((library, node, message, self.ctx.statement, at_module_level))

    def end(self) -> None:
        for library, node, message, statement, at_module_level in self.pending:
            seeds = {library, _ALL, "numpy"} if library == _ESTIMATORS else {library, _ALL}
            if library != _NEVER and seeds & self.seeded:
                continue
            if library != _NEVER and not (at_module_level or self.is_script):
                continue
            if self.estimator_names.get(id(node)) in self.seeded_names:
                continue
            self.report(node, message + ": results change from run to run", statement=statement)
