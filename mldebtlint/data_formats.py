"""What a data path names, from its spelling alone: its format (by extension) and whether it
is a URL. No libcst here: the project pass uses it too."""

from __future__ import annotations

import posixpath
import re

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# extension -> format, for paths whose API does not say (open, h5py, torch.load ...)
FORMATS_BY_EXTENSION: dict[str, str] = {
    "csv": "csv",
    "tsv": "csv",
    "parquet": "parquet",
    "pq": "parquet",
    "json": "json",
    "jsonl": "json",
    "ndjson": "json",
    "yaml": "yaml",
    "yml": "yaml",
    "pkl": "pickle",
    "pickle": "pickle",
    "joblib": "joblib",
    "npy": "npy",
    "npz": "npz",
    "pt": "torch",
    "pth": "torch",
    "ckpt": "torch",
    "h5": "hdf5",
    "hdf5": "hdf5",
    "hdf": "hdf5",
    "feather": "feather",
    "xlsx": "excel",
    "xls": "excel",
    "txt": "text",
    "arrow": "arrow",
    "orc": "orc",
    "onnx": "onnx",
    "safetensors": "safetensors",
}


def is_url(path: str) -> bool:
    """`https://...`, `s3://...`, `gs://...`: a location outside the repository."""
    return bool(_URL_RE.match(path))


def format_of(path: str | None) -> str | None:
    """The data format a file name says (`.csv`, `.pkl.gz` -> pickle), or None."""
    if not path:
        return None
    name = posixpath.basename(path.rstrip("/")).lower()
    parts = name.split(".")
    for extension in reversed(parts[1:]):
        if extension in FORMATS_BY_EXTENSION:
            return FORMATS_BY_EXTENSION[extension]
    return None
