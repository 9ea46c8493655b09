"""Every shared data type in one place: rules, findings, results. Frozen where possible."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mldebtlint.taxonomy import Section


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that `>=` compares against `--fail-on`."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: expected one of error, warning, info") from None


@dataclass(frozen=True)
class RuleDoc:
    """The sections every rule documents, in Ruff's order."""

    what: str
    why: str
    example: str
    use_instead: str


@dataclass(frozen=True)
class Example:
    """A snippet from a rule file; `bad` ones mark expected lines with `# expect: CODE`."""

    kind: str  # "bad" or "good"
    code: str
    filename: str = "example.py"


@dataclass(frozen=True)
class DetectorBinding:
    """One use of a detector by a rule, with the parameters that specialise it."""

    detector: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """A rule as the catalog describes it (rules/*.toml)."""

    code: str
    name: str
    section: Section
    severity: Severity
    summary: str
    doc: RuleDoc
    options: dict[str, Any]
    bindings: tuple[DetectorBinding, ...]
    examples: tuple[Example, ...]
    precision: str
    source: Path

    @property
    def url(self) -> str:
        return f"https://github.com/mldebtlint/mldebtlint/blob/main/rules/{self.source.name}"


@dataclass(frozen=True)
class Position:
    """1-based line, 1-based column (counted in code points)."""

    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    """One reported instance of a rule in one file. `end` is exclusive."""

    code: str
    message: str
    path: str  # relative to the project root, POSIX separators
    start: Position
    end: Position
    severity: Severity
    fingerprint: str
    cell: int | None = None
    # where the finding stands in the file as stored (for a notebook: the line and column of the
    # raw .ipynb JSON that hold the flagged source text; end exclusive); None for .py files
    raw_start: Position | None = None
    raw_end: Position | None = None
    # GitHub's primaryLocationLineHash of the stored file at that line (see line_hash.py)
    line_hash: str | None = None
    # hash of the normalised source of the flagged node: with code and path, the baseline's key
    source_key: str = ""

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.path, self.cell or 0, self.start.line, self.start.column, self.code, self.message)


@dataclass(frozen=True)
class Suppression:
    """A `# noqa` / `# mldebtlint: ignore[...]` comment as written."""

    line: int
    column: int  # 1-based column of the comment
    codes: tuple[str, ...]  # empty: every code
    kind: str  # "noqa" (this line), "next" (the next statement), "file"
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PlacedFact:
    """Where a per-file fact stands: the engine fills these in once the walk is done (a
    notebook's facts are then placed in their cells). Keyword-only, shared by every fact."""

    key: str = ""  # normalised source of the node: keys fingerprints
    # positions in the checked code (a notebook's joined cells): what suppressions match against
    start: Position = Position(0, 0)
    end: Position = Position(0, 0)
    statement_line: int = 0
    # notebooks: where the fact stands in its cell, and in the .ipynb as stored
    cell: int | None = None
    cell_start: Position | None = None
    cell_end: Position | None = None
    raw_start: Position | None = None
    raw_end: Position | None = None


@dataclass(frozen=True)
class DataAccess(PlacedFact):
    """A per-file fact for the project pass: one read or write of data at one call site.

    `path` is the file, URL or name the call reads or writes, resolved through simple
    assignments, f-strings, `os.path.join` and `pathlib` `/`; None when it cannot be resolved
    (dynamic: never guessed). `store` says what kind of thing it names: "file", "url", "hub"
    (a model or dataset id on a hub), "registry" (an MLflow/W&B alias) or "table".
    """

    kind: str  # "read" or "write"
    api: str  # qualified name of the call, e.g. pandas.read_csv
    path: str | None
    prefix: str  # the path's literal beginning when it does not resolve as a whole ("" if unknown)
    expression: str  # the path argument as written, shortened (for messages)
    format: str  # csv, parquet, pickle, ... or "unknown"
    store: str
    function: str  # enclosing function, "<module>" at script level
    trains: bool  # the enclosing function fits a model (fit, training loop, Trainer.train)
    predicts: bool  # the enclosing function predicts (predict*, generate, inference)
    script_trains: bool  # anywhere in the file
    script_predicts: bool
    writes_predictions: bool = False  # the written value derives from a model's predictions
    verified: bool = False  # a checksum is computed or passed in the same function


@dataclass(frozen=True)
class HyperparameterSetting(PlacedFact):
    """A per-file fact for the project pass: a numeric literal passed as a hyper-parameter
    (`lr=0.01`) to a sink (the MLD501 lists), wherever the file reads its configuration."""

    name: str  # the keyword: lr, n_estimators, batch_size, ...
    value: str  # the literal as written
    number: float  # its value, for comparing `1e-3` with `0.001`
    sink: str  # the callee's qualified name, or `.method` for a sink method
    kind: str = "hyperparameter"  # facts sort by (line, column, kind)


@dataclass(frozen=True)
class ConfigSetting(PlacedFact):
    """A per-file fact for MLD503: a configuration setting defined or read at one place.

    `kind` is "option" (an argparse option the file defines and parses itself: `name` is its
    dest), "undefined-option" (`args.name` read from a namespace whose parser, built in this
    file, defines no such option), "config-load" (`name` is the path of a YAML/TOML/JSON file
    loaded and bound to a name; `dynamic` when that name is used as a whole, e.g. `**cfg`) or
    "config-key" (`cfg["name"]` read from the config file `source`)."""

    kind: str
    name: str
    text: str  # as written: `--learning-rate`, `args.lr`, the path expression
    source: str = ""  # config-key: the loaded file's path
    dynamic: bool = False


@dataclass
class ConfigUsage:
    """A per-file fact for MLD503: every name the file could read a setting by, and where its
    parsed namespace goes. Sorted, so that cached and fresh results are equal."""

    # space-separated (one string caches and pickles far faster than a list of thousands)
    reads: str = ""  # attribute names loaded, identifier-like strings
    writes: str = ""  # attribute names assigned, setattr/set_defaults names
    # modules the parsed namespace is handed to (`train(args)` after `from train import train`);
    # relative imports keep their dots. "" stands for somewhere unknown (a library, a method)
    escapes: list[str] = field(default_factory=list)
    dynamic: bool = False  # the namespace is read as a whole: vars(args), args.__dict__, **vars(args)
    settings: list[ConfigSetting] = field(default_factory=list)


@dataclass
class FileResult:
    """Everything the per-file pass learned about one file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    lines: int = 0
    # facts for the project pass, and what it needs to apply this file's suppressions
    data_accesses: list[DataAccess] = field(default_factory=list)
    hyperparameters: list[HyperparameterSetting] = field(default_factory=list)
    config: ConfigUsage | None = None  # MLD503's facts, when it is enabled
    suppressions: list[Suppression] = field(default_factory=list)
    # (own-line comment line, next code line) and (suppression index, code) pairs used in this pass:
    # lists of tuples, so that the cache's JSON entries can hold them
    suppression_targets: list[tuple[int, int]] = field(default_factory=list)
    suppressions_used: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class LedgerEntry:
    """One line of the debt ledger (baseline): `count` findings of `code` in `path` whose flagged
    code normalises to the same source (`key` is its hash). Never a line number."""

    code: str
    path: str
    key: str
    count: int
    message: str  # of the first occurrence, for the humans who review the ledger


@dataclass(frozen=True)
class BaselineOutcome:
    """What `check --baseline` did: findings it accepted, and debt that was paid off."""

    ledger: str  # the baseline file, as named on the command line
    accepted: int  # findings found in the ledger, hence not reported
    paid_off: tuple[LedgerEntry, ...]  # entries no longer found; `count` says how many of each

    @property
    def paid_off_count(self) -> int:
        return sum(entry.count for entry in self.paid_off)


@dataclass
class Report:
    """The result of a whole `check`: what the reporters render."""

    findings: list[Finding]
    suppressed: list[tuple[Finding, Suppression]]
    files_checked: int
    lines_checked: int
    rules: dict[str, Rule]  # the rules of this run: enabled, or reporting (input diagnostics)
    checked: frozenset[str] = frozenset()  # the paths checked, as findings name them
    # where the project root lies in its git checkout ("ml/" or ""): GitHub wants repository paths
    repository_prefix: str = ""
    baseline: BaselineOutcome | None = None

    def count_at_or_above(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity >= severity)
