"""Reading TOML: tomllib on 3.11+, tomli below."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; raises OSError, UnicodeDecodeError or TOMLDecodeError."""
    with path.open("rb") as fh:
        return tomllib.load(fh)
