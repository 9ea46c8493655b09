"""Every read and write of data in a file, recorded as `DataAccess` facts for the project pass.

Calls are matched by qualified name (pandas, numpy, torch, joblib, h5py, datasets, the hub
loaders, downloads, model registries) or, for data-frame methods such as `.to_csv(path)`, by
method name with a path argument. `open()` carries its mode; `pickle`/`json`/`yaml` calls that
take a file object are seen through the `open()` that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst

from mldebtlint.context import FileContext, dotted_name
from mldebtlint.data_paths import format_of, is_url, resolve_path, resolve_prefix
from mldebtlint.detectors.base import Detector, PendingReport
from mldebtlint.detectors.literals import followed, looks_like_local_path, string_value
from mldebtlint.ftypes import DataAccess


@dataclass(frozen=True)
class DataApi:
    """How one API touches data: read or write, where its path argument is, what format."""

    kind: str
    position: int  # index of the positional path argument
    keywords: tuple[str, ...]
    format: str
    store: str = "file"
    value_position: int | None = None  # the written object (for writes)


_PANDAS_PATH_KEYWORDS = ("filepath_or_buffer", "path", "path_or_buf", "io", "path_or_buffer", "source")
_PANDAS_READERS = {
    "read_csv": "csv",
    "read_table": "csv",
    "read_fwf": "text",
    "read_json": "json",
    "read_excel": "excel",
    "read_parquet": "parquet",
    "read_feather": "feather",
    "read_pickle": "pickle",
    "read_hdf": "hdf5",
    "read_orc": "orc",
    "read_stata": "stata",
    "read_sas": "sas",
    "read_spss": "spss",
    "read_xml": "xml",
}
_POLARS_READERS = {
    "read_csv": "csv",
    "read_parquet": "parquet",
    "read_json": "json",
    "read_ndjson": "json",
    "read_ipc": "arrow",
    "scan_csv": "csv",
    "scan_parquet": "parquet",
}
# data-frame methods, matched by name: `df.to_csv("out.csv")`
WRITER_METHODS: dict[str, str] = {
    "to_csv": "csv",
    "to_parquet": "parquet",
    "to_json": "json",
    "to_excel": "excel",
    "to_feather": "feather",
    "to_pickle": "pickle",
    "to_hdf": "hdf5",
    "to_orc": "orc",
    "to_stata": "stata",
    "to_xml": "xml",
    "write_csv": "csv",
    "write_parquet": "parquet",
    "write_ndjson": "json",
    "save_to_disk": "arrow",
    "save_pretrained": "pretrained",
}

API: dict[str, DataApi] = {
    **{f"pandas.{n}": DataApi("read", 0, _PANDAS_PATH_KEYWORDS, f) for n, f in _PANDAS_READERS.items()},
    **{f"polars.{n}": DataApi("read", 0, _PANDAS_PATH_KEYWORDS, f) for n, f in _POLARS_READERS.items()},
    "numpy.load": DataApi("read", 0, ("file",), "npy"),
    "numpy.loadtxt": DataApi("read", 0, ("fname",), "text"),
    "numpy.genfromtxt": DataApi("read", 0, ("fname",), "text"),
    "numpy.fromfile": DataApi("read", 0, ("file",), "binary"),
    "numpy.save": DataApi("write", 0, ("file",), "npy", value_position=1),
    "numpy.savez": DataApi("write", 0, ("file",), "npz", value_position=1),
    "numpy.savez_compressed": DataApi("write", 0, ("file",), "npz", value_position=1),
    "numpy.savetxt": DataApi("write", 0, ("fname",), "text", value_position=1),
    "torch.load": DataApi("read", 0, ("f",), "torch"),
    "torch.save": DataApi("write", 1, ("f",), "torch", value_position=0),
    "joblib.load": DataApi("read", 0, ("filename",), "joblib"),
    "joblib.dump": DataApi("write", 1, ("filename",), "joblib", value_position=0),
    "h5py.File": DataApi("read", 0, ("name",), "hdf5"),
    "datasets.load_from_disk": DataApi("read", 0, ("dataset_path",), "arrow"),
    "datasets.load_dataset": DataApi("read", 0, ("path",), "dataset", store="hub"),
    "huggingface_hub.hf_hub_download": DataApi("read", 0, ("repo_id",), "hub", store="hub"),
    "huggingface_hub.snapshot_download": DataApi("read", 0, ("repo_id",), "hub", store="hub"),
    "torch.hub.load": DataApi("read", 0, ("repo_or_dir",), "hub", store="hub"),
    "sentence_transformers.SentenceTransformer": DataApi("read", 0, ("model_name_or_path",), "pretrained", "hub"),
    "keras.models.load_model": DataApi("read", 0, ("filepath",), "keras"),
    "tensorflow.keras.models.load_model": DataApi("read", 0, ("filepath",), "keras"),
    # downloads: remote data fetched at run time
    "urllib.request.urlretrieve": DataApi("read", 0, ("url",), "download"),
    "urllib.request.urlopen": DataApi("read", 0, ("url",), "download"),
    "requests.get": DataApi("read", 0, ("url",), "download"),
    "wget.download": DataApi("read", 0, ("url",), "download"),
    "gdown.download": DataApi("read", 0, ("url",), "download"),
    "torch.hub.download_url_to_file": DataApi("read", 0, ("url",), "download"),
    "pooch.retrieve": DataApi("read", 0, ("url",), "download"),
    "keras.utils.get_file": DataApi("read", 1, ("origin",), "download"),
    "keras.utils.data_utils.get_file": DataApi("read", 1, ("origin",), "download"),
    "tensorflow.keras.utils.get_file": DataApi("read", 1, ("origin",), "download"),
    # model registries: a name resolved to a version when the code runs
    "mlflow.pyfunc.load_model": DataApi("read", 0, ("model_uri",), "mlflow", store="registry"),
    "mlflow.sklearn.load_model": DataApi("read", 0, ("model_uri",), "mlflow", store="registry"),
    "mlflow.pytorch.load_model": DataApi("read", 0, ("model_uri",), "mlflow", store="registry"),
    "mlflow.transformers.load_model": DataApi("read", 0, ("model_uri",), "mlflow", store="registry"),
    "mlflow.artifacts.download_artifacts": DataApi("read", 0, ("artifact_uri",), "mlflow", store="registry"),
}
_OPEN_CALLS = frozenset({"open", "io.open", "gzip.open", "bz2.open", "lzma.open", "codecs.open"})
# calls that serialise an object into a file object made by open(): (written value, file) positions
_DUMPS = {"pickle.dump": (0, 1), "json.dump": (0, 1), "yaml.dump": (0, 1), "yaml.safe_dump": (0, 1)}
_LOADS = {"pickle.load": "pickle", "json.load": "json", "yaml.load": "yaml", "yaml.safe_load": "yaml"}
# checksum evidence in the same function
_CHECKSUM_KEYWORDS = frozenset({"hash_prefix", "known_hash", "file_hash", "md5_hash", "md5", "sha256", "checksum"})
TRAIN_METHODS = frozenset({"fit", "fit_generator", "partial_fit", "train", "backward"})
TRAIN_CALLS = frozenset({"xgboost.train", "lightgbm.train", "catboost.train"})
PREDICT_METHODS = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "generate", "inference"}
)
# a value computed from predictions by these is a metric, not a prediction
_METRIC_WORDS = ("score", "accuracy", "error", "loss", "metric", "report", "auc", "f1", "precision", "recall")
_MODULE = "<module>"
# other libraries' saves, matched by method name or by an output keyword (resolved paths only)
SAVE_METHODS = frozenset({"save", "save_model", "save_weights", "write_results", "export_model"})
OUTPUT_KEYWORDS = frozenset({"output_path", "output_file", "out_path", "out_file", "save_path", "output_filename"})
# `load_dataset("csv", data_files=...)` reads local files, not a hub repository
PACKAGED_BUILDERS = frozenset(
    {"csv", "json", "parquet", "text", "arrow", "pandas", "imagefolder", "audiofolder", "videofolder", "webdataset"}
)


_HASHLIB_FUNCTIONS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "new", "file_digest")
_QUALIFIED_LAST_NAMES = frozenset(
    {n.rsplit(".", 1)[-1] for n in (*API, *_OPEN_CALLS, *_LOADS, *_DUMPS, *TRAIN_CALLS)}
    | {"from_pretrained", *_HASHLIB_FUNCTIONS}
)


def hub_loader(name: str) -> bool:
    """`transformers.AutoModel.from_pretrained` and its relatives."""
    return name.endswith(".from_pretrained") and name.split(".", 1)[0] in (
        "transformers",
        "diffusers",
        "sentence_transformers",
        "peft",
        "timm",
    )


@dataclass
class _Site:
    """A data access seen during the walk; roles are known only once the file is walked."""

    node: cst.Call
    statement: cst.CSTNode | None
    kind: str
    api: str
    path: str | None
    prefix: str
    expression: str
    format: str
    store: str
    scope: cst.CSTNode | None
    predictions: bool = False  # the written value derives from a model's predictions


@dataclass
class _Scope:
    trains: bool = False
    predicts: bool = False
    verified: bool = False
    # `df["pred"] = ...`: what was assigned into each frame's columns
    columns: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    handles: dict[str, _Site] = field(default_factory=dict)  # `with open(...) as fh`


class DataAccessCollector(Detector):
    """Records every data read and write of the file as `DataAccess` facts (never reports)."""

    PARAMS: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:  # serves every project rule and `deps`: bound to no rule
        self.params = {}
        self.ctx = FileContext()
        self.reports = []
        self.facts = []
        self._reset()

    def _reset(self) -> None:
        self.sites: list[_Site] = []
        self.scopes: dict[cst.CSTNode | None, _Scope] = {None: _Scope()}
        self.format_hints: dict[cst.CSTNode, str] = {}
        self._pending_handle: str | None = None
        self._pending_dump: tuple[cst.CSTNode, cst.BaseExpression | None] | None = None

    def begin(self, ctx: FileContext, reports: list[PendingReport]) -> None:
        super().begin(ctx, reports)
        self._reset()

    # -- the walk -------------------------------------------------------------------------
    def _scope_key(self) -> cst.CSTNode | None:
        return self.ctx.functions[-1] if self.ctx.functions else None

    def _scope(self) -> _Scope:
        key = self._scope_key()
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.scopes[key] = _Scope()
        return scope

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        scope = self._scope()
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if method is not None:
            if method in TRAIN_METHODS:
                scope.trains = True
            elif method in PREDICT_METHODS or method.startswith("predict_"):
                scope.predicts = True
            elif method == "hexdigest":
                scope.verified = True
        checksums = [a.value for a in node.args if a.keyword is not None and a.keyword.value in _CHECKSUM_KEYWORDS]
        if checksums and not any(_is_none(value) for value in checksums):
            scope.verified = True
        last = method if method is not None else (func.value if isinstance(func, cst.Name) else None)
        # resolving a callee's qualified name costs a scope walk: only for names an API can end in
        name = self.ctx.qualified_name(func) if last in _QUALIFIED_LAST_NAMES else None
        if name is None and isinstance(func, cst.Name) and func.value == "open" and self.ctx.lookup("open") is None:
            name = "open"
        if name is not None:
            if name in TRAIN_CALLS:
                scope.trains = True
            if name.startswith("hashlib."):
                scope.verified = True
            if name in _OPEN_CALLS:
                self._open(node, name)
                return
            if name in _LOADS or name in _DUMPS:
                self._serialise(node, name)
                return
            api = API.get(name)
            if api is not None:
                self._api_call(node, name, api)
                return
            if hub_loader(name):
                self._api_call(node, name, DataApi("read", 0, ("pretrained_model_name_or_path",), "pretrained", "hub"))
                return
        if method is not None:
            self._method_call(node, method, scope)
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in OUTPUT_KEYWORDS:
                self._generic_write(node, arg.value)
                break

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            subscript = target.target
            if isinstance(subscript, cst.Subscript) and isinstance(subscript.value, cst.Name):
                self._scope().columns.setdefault(subscript.value.value, []).append(node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        # `with open(p) as fh`: `fh` names the file the open() call stands for
        if node.asname is None or not isinstance(node.asname.name, cst.Name) or not isinstance(node.item, cst.Call):
            return
        self._pending_handle = node.asname.name.value

    def leave_WithItem(self, node: cst.WithItem) -> None:
        name = self._pending_handle
        self._pending_handle = None
        if name is None or not self.sites or self.sites[-1].node is not node.item:
            return
        self._scope().handles[name] = self.sites[-1]

    # -- kinds of call --------------------------------------------------------------------
    def _argument(self, node: cst.Call, position: int, keywords: tuple[str, ...]) -> cst.BaseExpression | None:
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                return arg.value
        if position < len(positional):
            return positional[position].value
        return None

    def _is_file_object(self, expression: cst.BaseExpression) -> bool:
        """A file object, buffer or response rather than a path: the call that made it counts."""
        if isinstance(expression, cst.Name) and expression.value in self._scope().handles:
            return True
        value = followed(self.ctx, expression)
        if isinstance(value, cst.Call):
            name = self.ctx.qualified_name(value.func) or ""
            if isinstance(value.func, cst.Name) and value.func.value == "open" and self.ctx.lookup("open") is None:
                return True
            return name in _OPEN_CALLS or name.startswith(("io.", "requests.", "urllib.", "tempfile."))
        return False

    def _add(
        self,
        node: cst.Call,
        kind: str,
        api: str,
        target: cst.BaseExpression | None,
        data_format: str,
        store: str,
        values: list[cst.BaseExpression] | None = None,
    ) -> _Site | None:
        if target is None:
            return None
        path = resolve_path(self.ctx, target)
        prefix = resolve_prefix(self.ctx, target) if path is None else ""
        site = _Site(
            node=node,
            statement=self.ctx.statement,
            kind=kind,
            api=api,
            path=path,
            prefix=prefix,
            expression=self.ctx.source(target, 60),
            format=format_of(path) if data_format in ("unknown", "binary") and format_of(path) else data_format,
            store=_store(store, path if path is not None else (prefix if is_url(prefix) else None)),
            scope=self._scope_key(),
        )
        self._written(site, values or [])
        self.sites.append(site)
        return site

    def _open(self, node: cst.Call, name: str) -> None:
        target = self._argument(node, 0, ("file", "filename"))
        if target is None or self._is_file_object(target):
            return
        mode_node = self._argument(node, 1, ("mode",))
        mode = "r" if mode_node is None else string_value(followed(self.ctx, mode_node))
        if mode is None:
            return  # a mode decided at run time: neither read nor write can be claimed
        kind = "write" if any(c in mode for c in "wax") else "read"
        path = resolve_path(self.ctx, target)
        data_format = self.format_hints.pop(node, None) or format_of(path) or "unknown"
        self._add(node, kind, name, target, data_format, "file")

    def _serialise(self, node: cst.Call, name: str) -> None:
        if name in _LOADS:
            target = self._argument(node, 0, ("fp", "stream", "file"))
            if isinstance(target, cst.Call):
                self.format_hints[target] = _LOADS[name]
            return
        value_position, file_position = _DUMPS[name]
        value = self._argument(node, value_position, ("obj", "data"))
        target = self._argument(node, file_position, ("fp", "file", "stream"))
        if isinstance(target, cst.Call):
            self.format_hints[target] = name.split(".")[0]
            self._pending_dump = (target, value)
        elif isinstance(target, cst.Name) and value is not None:
            site = self._scope().handles.get(target.value)
            if site is not None:
                self._written(site, [value])
                if site.format == "unknown":
                    site.format = name.split(".")[0]

    def _api_call(self, node: cst.Call, name: str, api: DataApi) -> None:
        target = self._argument(node, api.position, api.keywords)
        if name == "datasets.load_dataset":
            self._load_dataset(node, target)
            return
        if target is None or self._is_file_object(target):
            return
        kind = api.kind
        if name == "h5py.File":
            mode_node = self._argument(node, 1, ("mode",))
            mode = "r" if mode_node is None else string_value(followed(self.ctx, mode_node))
            if mode is None:
                return
            kind = "write" if any(c in mode for c in "wax-") else "read"
        if api.format == "download":
            path = resolve_path(self.ctx, target)
            if name in ("requests.get", "urllib.request.urlopen") and format_of(path) is None:
                return  # an API call, not a data download
        values = []
        if api.value_position is not None:
            value = self._argument(node, api.value_position, ("arr", "X", "obj", "value"))
            if value is not None:
                values.append(value)
        self._add(node, kind, name, target, api.format, api.store, values)

    def _load_dataset(self, node: cst.Call, target: cst.BaseExpression | None) -> None:
        builder = string_value(followed(self.ctx, target)) if target is not None else None
        data_files = self._argument(node, 99, ("data_files",))
        if data_files is None and builder in PACKAGED_BUILDERS:
            data_files = self._argument(node, 99, ("data_dir",))
            if data_files is None:
                return
        if data_files is not None:
            files = followed(self.ctx, data_files)
            elements: list[cst.BaseExpression] = []
            if isinstance(files, (cst.List, cst.Tuple)):
                elements = [e.value for e in files.elements]
            elif isinstance(files, cst.Dict):
                elements = [e.value for e in files.elements if isinstance(e, cst.DictElement)]
            else:
                elements = [data_files]
            for element in elements:
                self._add(node, "read", "datasets.load_dataset", element, builder or "dataset", "file")
            return
        if target is not None:
            self._add(node, "read", "datasets.load_dataset", target, "dataset", "hub")

    def _method_call(self, node: cst.Call, method: str, scope: _Scope) -> None:
        func = node.func
        assert isinstance(func, cst.Attribute)
        if method == "to_sql":
            target = self._argument(node, 0, ("name",))
            self._add(node, "write", "pandas.DataFrame.to_sql", target, "sql", "table", [func.value])
            return
        if method in WRITER_METHODS:
            target = self._argument(node, 0, ("path_or_buf", "path", "excel_writer", "file", "dataset_path"))
            if target is None or self._is_file_object(target):
                return
            self._add(
                node,
                "write",
                f"{_receiver_type(method)}.{method}",
                target,
                WRITER_METHODS[method],
                "file",
                [func.value],
            )
            return
        if method == "write" and isinstance(func.value, cst.Name):
            site = scope.handles.get(func.value.value)
            if site is not None and node.args:
                self._written(site, [node.args[0].value])
            return
        if method == "use_artifact":
            target = self._argument(node, 0, ("artifact_or_name",))
            self._add(node, "read", "wandb.Run.use_artifact", target, "wandb", "registry")
            return
        if method in SAVE_METHODS:
            self._generic_write(node, self._argument(node, 0, ("filepath", "path", "filename", "fname")))

    def _generic_write(self, node: cst.Call, target: cst.BaseExpression | None) -> None:
        """`model.save("s2s.h5")`, `run(output_path="out.parquet")`: another library writes the
        file. Recorded only with a resolved path, so the repository's own outputs are known."""
        if target is None:
            return
        path = resolve_path(self.ctx, target)
        if path is None or not (format_of(path) or "/" in path):
            return
        callee = dotted_name(node.func) or "call"
        self._add(node, "write", callee, target, format_of(path) or "unknown", "file")

    def leave_Call(self, node: cst.Call) -> None:
        pending = self._pending_dump
        if pending is not None and self.sites and self.sites[-1].node is pending[0] and pending[1] is not None:
            self._written(self.sites[-1], [pending[1]])
            self._pending_dump = None

    # -- after the walk -------------------------------------------------------------------
    def end(self) -> None:
        script = self.scopes[None]
        script_trains = any(s.trains for s in self.scopes.values())
        script_predicts = any(s.predicts for s in self.scopes.values())
        for site in self.sites:
            scope = self.scopes.get(site.scope) or script
            function = site.scope.name.value if isinstance(site.scope, cst.FunctionDef) else _MODULE
            fact = DataAccess(
                kind=site.kind,
                api=site.api,
                path=site.path,
                prefix=site.prefix,
                expression=site.expression,
                format=site.format,
                store=site.store,
                function=function,
                trains=scope.trains,
                predicts=scope.predicts,
                script_trains=script_trains,
                script_predicts=script_predicts,
                writes_predictions=site.kind == "write" and site.predictions,
                verified=scope.verified,
            )
            self.record(site.node, fact, statement=site.statement)
        self._reset()

    def _written(self, site: _Site, values: list[cst.BaseExpression]) -> None:
        """Note what is written at `site`, while the names in scope can still be resolved."""
        if site.kind != "write" or site.predictions:
            return
        seen: set[str] = set()
        scope = self._scope()
        site.predictions = any(self._derived(value, scope, seen, 0) for value in values)

    def _derived(self, node: cst.BaseExpression, scope: _Scope, seen: set[str], depth: int) -> bool:
        """Whether `node` holds a model's predictions: a predict call, or names assigned one."""
        if depth > 6:
            return False
        if isinstance(node, cst.Name):
            if node.value in seen:
                return False
            seen.add(node.value)
            value, _ = self.ctx.resolve_value(node)
            if value is not None and self._derived(value, scope, seen, depth + 1):
                return True
            return any(self._derived(v, scope, seen, depth + 1) for v in scope.columns.get(node.value, ()))
        if isinstance(node, cst.Call):
            func = node.func
            callee = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
            if isinstance(callee, str) and any(word in callee.lower() for word in _METRIC_WORDS):
                return False
            if isinstance(func, cst.Attribute) and (
                func.attr.value in PREDICT_METHODS or func.attr.value.startswith("predict_")
            ):
                return True
            parts: list[cst.BaseExpression] = [a.value for a in node.args]
            if isinstance(func, cst.Attribute):
                parts.append(func.value)
            return any(self._derived(p, scope, seen, depth + 1) for p in parts)
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            return self._derived(node.value, scope, seen, depth + 1)
        if isinstance(node, cst.BinaryOperation):
            return self._derived(node.left, scope, seen, depth + 1) or self._derived(node.right, scope, seen, depth + 1)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return any(self._derived(e.value, scope, seen, depth + 1) for e in node.elements)
        if isinstance(node, cst.Dict):
            return any(
                self._derived(e.value, scope, seen, depth + 1) for e in node.elements if isinstance(e, cst.DictElement)
            )
        return False


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _receiver_type(method: str) -> str:
    if method.startswith("write_"):
        return "polars.DataFrame"
    if method == "save_to_disk":
        return "datasets.Dataset"
    if method == "save_pretrained":
        return "transformers.PreTrainedModel"
    return "pandas.DataFrame"


def _store(store: str, path: str | None) -> str:
    if path is None:
        return store
    if path.startswith(("models:/", "runs:/")) or store == "registry":
        return "registry"
    if is_url(path):
        return "url"
    if store == "hub" and looks_like_local_path(path):
        return "file"
    return store
