"""Calls that fetch something mutable by name without pinning a version (hub models, datasets)."""

from __future__ import annotations

import fnmatch
import re
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import dotted_name
from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.literals import followed, is_path_expression, looks_like_local_path, string_value
from mldebtlint.ftypes import Rule


class CallWithoutPin(Detector):
    """A call matched by qualified name that lacks a pinning keyword (e.g. `revision=`).

    Not reported: a pin keyword with any value other than a branch name; a first argument that
    is a local path (literal, `os.path.join`, `pathlib`, `/`); a first argument listed in
    `skip-first-arg` (packaged loaders such as `load_dataset("csv", ...)`); a keyword from
    `skip-keywords` set to its listed value (`local_files_only=True`); `**kwargs` whose
    contents cannot be seen (precision over recall).
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "calls": [],
        "pin-keywords": ["revision"],
        "unpinned-revisions": ["main", "master"],
        "skip-keywords": {},
        "skip-first-arg": [],
        "first-arg-keywords": [],
        "pin-in-first-arg": "",
        "literal-first-arg-only": False,
        "what": "an artifact from the hub",
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        patterns = [fnmatch.translate(p) for p in self.params["calls"]]
        self.calls = re.compile("|".join(patterns)) if patterns else None
        # the last name of each pattern: a cheap test before resolving the callee's full name
        self.last_names = frozenset(p.rsplit(".", 1)[-1] for p in self.params["calls"])
        self.pin_keywords = tuple(self.params["pin-keywords"])
        self.unpinned = set(self.params["unpinned-revisions"])

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.calls is None:
            return
        if type(func) is cst.Attribute:
            # an attribute keeps its name whatever the import aliases: cheap to rule out first
            if func.attr.value not in self.last_names and "*" not in self.last_names:
                return
        elif type(func) is not cst.Name:
            return
        name = self.ctx.qualified_name(func)
        if name is None or not self.calls.match(name):
            return
        keywords: dict[str, cst.BaseExpression] = {}
        for arg in node.args:
            if arg.star == "**":
                unpacked = self._dict_keys(arg.value)
                if unpacked is None:
                    return  # `**kwargs` may carry the pin: do not guess
                keywords.update(unpacked)
            elif arg.keyword is not None:
                keywords[arg.keyword.value] = arg.value
        for keyword, skip_value in self.params["skip-keywords"].items():
            value = followed(self.ctx, keywords.get(keyword))
            if value is not None and _literal(value) == skip_value:
                return
        callee = dotted_name(node.func) or name
        for keyword in self.pin_keywords:
            if keyword in keywords:
                value = followed(self.ctx, keywords[keyword])
                if isinstance(value, cst.Name) and value.value == "None":
                    self.report(node.func, f"`{callee}` is given `{keyword}=None`: pin a commit hash", anchor=node)
                text = string_value(value)
                if text is not None and text in self.unpinned:
                    self.report(
                        node.func,
                        f"`{callee}` pins `{keyword}` to the branch {text!r}, which moves: pin a commit hash or tag",
                        anchor=node,
                    )
                return
        first = self._first_argument(node, keywords)
        shown = "" if first is None else f" `{self.ctx.source(first, 40)}`"
        if first is not None:
            value = followed(self.ctx, first)
            text = string_value(value)
            if text is not None and value is not first:
                shown += f" (= {text!r})"
            if text is not None:
                if text in self.params["skip-first-arg"] or looks_like_local_path(text):
                    return
                separator = self.params["pin-in-first-arg"]
                if separator and separator in text:
                    return
            elif self.params["literal-first-arg-only"] or (value is not None and is_path_expression(self.ctx, value)):
                return
        if self.pin_keywords:
            pin = " or ".join(f"`{k}=`" for k in self.pin_keywords)
            message = f"`{callee}` loads {self.params['what']}{shown} without {pin}: it can change under you"
        else:
            separator = self.params["pin-in-first-arg"]
            message = (
                f"`{callee}` loads {self.params['what']}{shown} without a `{separator}tag`: it can change under you"
            )
        self.report(node.func, message, anchor=node)

    def _first_argument(self, node: cst.Call, keywords: dict[str, cst.BaseExpression]) -> cst.BaseExpression | None:
        for arg in node.args:
            if arg.keyword is None and not arg.star:
                return arg.value
        for keyword in self.params["first-arg-keywords"]:
            if keyword in keywords:
                return keywords[keyword]
        return None

    def _dict_keys(self, node: cst.BaseExpression) -> dict[str, cst.BaseExpression] | None:
        """Keys of a `**` argument built in view (`dict(a=1)` or `{"a": 1}`), else None."""
        value = followed(self.ctx, node)
        keys: dict[str, cst.BaseExpression] = {}
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                key = string_value(element.key)
                if key is None:
                    return None
                keys[key] = element.value
            return keys
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
            for arg in value.args:
                if arg.keyword is None:
                    return None
                keys[arg.keyword.value] = arg.value
            return keys
        return None


def _literal(node: cst.BaseExpression) -> object:
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return string_value(node)
