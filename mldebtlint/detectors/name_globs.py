"""Matching qualified names against the glob lists of rule options (`sklearn.ensemble.*`)."""

from __future__ import annotations

import fnmatch
import re


def name_globs(patterns: list[str]) -> re.Pattern[str] | None:
    """One regular expression for a list of globs over dotted names; None for an empty list."""
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)) if patterns else None
