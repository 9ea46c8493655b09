"""Multiple-language smell: a Python ML system that shells out to R/Java/Julia/MATLAB, bridges
into them in-process, or carries large SQL programs inside Python strings."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import dotted_name
from mldebtlint.detectors.base import Detector
from mldebtlint.detectors.literals import followed, string_value
from mldebtlint.ftypes import Rule

# the command separators of a shell line: each piece starts a new program
_SHELL_SPLIT_RE = re.compile(r"&&|\|\||[;|&\n]|\$\(|`")
_SHELL_PREFIXES = frozenset({"sudo", "nohup", "time", "exec", "env", "nice"})
_SQL_START_RE = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(select|with|insert|update|delete|create|merge)\b", re.IGNORECASE)


_CELL_MAGIC_RE = re.compile(r"%%(\w+)")


class MultipleLanguage(Detector):
    """Three shapes, each matched by qualified name through imports and aliases:

    - a process call (`subprocess.run`, `os.system`, ...) whose program is one of `programs`
      (`Rscript`, `java`, `julia`, `matlab`, `octave`): a list's first item, or the first word
      of any command of a shell string;
    - an import of a language bridge from `bridges` (`rpy2`, `juliacall`, `oct2py`, ...);
    - a SQL query (it starts with SELECT/WITH/INSERT/...) of at least `sql-lines` non-blank
      lines passed to a `spark.sql`/`read_sql`/`execute` call, in place or through a name.
    """

    PARAMS: ClassVar[dict[str, Any]] = {
        "sql-lines": 20,
        # notebook cell magics that run another language: magic name -> language
        "cell-magics": {"R": "R", "julia": "Julia", "octave": "Octave", "matlab": "MATLAB", "scala": "Scala"},
        "process-calls": [],
        "programs": {},
        "bridges": {},
        "sql-methods": [],
        "sql-functions": [],
    }

    def __init__(self, rule: Rule, params: dict[str, Any]) -> None:
        super().__init__(rule, params)
        self.process_calls = frozenset(self.params["process-calls"])
        self.process_last = frozenset(name.rsplit(".", 1)[-1] for name in self.process_calls)
        self.programs: dict[str, str] = {k.lower(): v for k, v in self.params["programs"].items()}
        self.bridges: dict[str, str] = self.params["bridges"]
        self.sql_methods = frozenset(self.params["sql-methods"])
        self.sql_functions = frozenset(self.params["sql-functions"])
        self.sql_function_last = frozenset(name.rsplit(".", 1)[-1] for name in self.sql_functions)

    # -- notebook cells in another language -------------------------------------------------
    def end(self) -> None:
        for magic in self.ctx.magics:
            match = _CELL_MAGIC_RE.match(magic.text)
            if not match:
                continue
            name = match.group(1)
            language = self.params["cell-magics"].get(name)
            if language is not None:
                message = f"a `%%{name}` cell runs {language} inside this Python notebook ({magic.body_lines} lines)"
            elif name == "sql" and magic.body_lines >= self.params["sql-lines"]:
                message = f"a `%%sql` cell embeds a {magic.body_lines}-line SQL query in this notebook"
            else:
                continue
            end = (magic.line, magic.column + len(magic.text))
            self.report_span((magic.line, magic.column), end, message, key=magic.text, statement_line=magic.line)

    # -- bridges ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._bridge(node, dotted_name(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module) or ""
        if module in self.bridges or module.split(".")[0] in self.bridges:
            self._bridge(node, module)
        elif not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self._bridge(node, f"{module}.{alias.evaluated_name}")

    def _bridge(self, node: cst.CSTNode, module: str) -> None:
        for prefix, language in self.bridges.items():
            if module == prefix or module.startswith(prefix + "."):
                self.report(
                    node,
                    f"`{prefix}` runs {language} inside this Python process: "
                    "a second language in the ML system (one more runtime to test, pin and deploy)",
                )
                return

    # -- process calls and embedded SQL ---------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if last in self.process_last:
            name = self.ctx.qualified_name(func)
            if name in self.process_calls:
                self._process(node, name)
                return
        is_sql_method = last in self.sql_methods and isinstance(func, cst.Attribute)
        if is_sql_method or (last in self.sql_function_last and self.ctx.qualified_name(func) in self.sql_functions):
            self._sql(node, last)

    def _process(self, node: cst.Call, name: str) -> None:
        command = _first_argument(node, "args")
        if command is None:
            return
        command = followed(self.ctx, command)
        programs: list[str] = []
        if isinstance(command, (cst.List, cst.Tuple)) and command.elements:
            first = string_value(followed(self.ctx, command.elements[0].value))
            if first is not None:
                programs.append(first)
        else:
            text = string_value(command)
            if text is not None:
                programs.extend(_shell_programs(text))
        for program in programs:
            base = program.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
            language = self.programs.get(base)
            if language is not None:
                self.report(
                    node,
                    f"`{name}` runs {language} (`{base}`): a second language in the ML system, "
                    "glued through files and exit codes",
                )
                return

    def _sql(self, node: cst.Call, callee: str) -> None:
        query = _first_argument(node, "sql")
        if query is None:
            return
        query = followed(self.ctx, query)
        if isinstance(query, cst.Call) and isinstance(query.func, cst.Attribute) and query.func.attr.value == "format":
            query = query.func.value  # """SELECT ... {table}""".format(table=...)
        text = _string_text(query)
        if text is None or not _SQL_START_RE.match(text):
            return
        lines = sum(1 for line in text.splitlines() if line.strip())
        if lines >= self.params["sql-lines"]:
            self.report(
                node,
                f"a {lines}-line SQL program embedded in Python (`{callee}`): a second language with "
                "no tests, types or review of its own; keep it in a .sql file or a versioned view",
            )


def _first_argument(node: cst.Call, keyword: str) -> cst.BaseExpression | None:
    for arg in node.args:
        if arg.keyword is None and not arg.star:
            return arg.value
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _string_text(node: cst.BaseExpression | None) -> str | None:
    """The text of a string literal; for an f-string, its literal parts (enough to count lines)."""
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in node.parts)
    return string_value(node)


def _shell_programs(text: str) -> list[str]:
    """The program of every command in a shell line (`cd x && Rscript fit.R | tee log`)."""
    programs = []
    for command in _SHELL_SPLIT_RE.split(text):
        words = command.split()
        while words and (words[0] in _SHELL_PREFIXES or "=" in words[0]):  # `sudo`, `LANG=C`
            words = words[1:]
        if words:
            programs.append(words[0].strip("'\""))
    return programs
