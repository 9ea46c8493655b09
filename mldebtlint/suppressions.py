"""Inline and file-level suppressions: `# noqa: MLD201`, `# mldebtlint: ignore[...]`."""

from __future__ import annotations

import io
import re
import tokenize

from mldebtlint.ftypes import Finding, Suppression

_CANDIDATE_RE = re.compile(r"#.*?(?:\bnoqa\b|mldebtlint\s*:)", re.IGNORECASE)
_NOQA_RE = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?(?P<rest>.*)", re.IGNORECASE)
_DIRECTIVE_RE = re.compile(
    r"#\s*mldebtlint\s*:\s*(?P<kind>ignore-file|ignore)\s*(?:\[(?P<codes>[^\]]*)\])?(?P<rest>.*)", re.IGNORECASE
)
_CODE_RE = re.compile(r"^[A-Z]+[0-9]*$")


def _comments(text: str, candidate_lines: set[int]) -> list[tuple[int, int, str, bool]]:
    """(line, 0-based column, comment text, alone on its line) for comments on candidate lines."""
    lines = text.splitlines()
    found: list[tuple[int, int, str, bool]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and token.start[0] in candidate_lines:
                line = lines[token.start[0] - 1]
                found.append((token.start[0], token.start[1], token.string, not line[: token.start[1]].strip()))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # tokenize lags the grammar (e.g. PEP 701 f-strings); fall back to the raw lines
        found = []
        for number in sorted(candidate_lines):
            line = lines[number - 1]
            match = _CANDIDATE_RE.search(line)
            if match:
                found.append((number, match.start(), line[match.start() :], not line[: match.start()].strip()))
    return found


def _split_reason(rest: str) -> str:
    return rest.strip().lstrip("-:").strip()


def parse_suppressions(text: str) -> list[Suppression]:
    """Every suppression comment in the file. Codes keep their spelling (upper-cased)."""
    candidate_lines = {number for number, line in enumerate(text.splitlines(), start=1) if _CANDIDATE_RE.search(line)}
    if not candidate_lines:
        return []
    result: list[Suppression] = []
    for line, column, comment, alone in _comments(text, candidate_lines):
        # one comment may hold several directives, e.g. another tool's noqa then ours
        for part in ("#" + p for p in comment.split("#")[1:]):
            directive = _DIRECTIVE_RE.match(part)
            if directive:
                codes = tuple(c.strip().upper() for c in (directive.group("codes") or "").split(",") if c.strip())
                file_level = directive.group("kind").lower() == "ignore-file"
                kind = "file" if file_level else ("next" if alone else "noqa")
                result.append(Suppression(line, column + 1, codes, kind, _split_reason(directive.group("rest"))))
                continue
            noqa = _NOQA_RE.match(part)
            if noqa:
                raw = noqa.group("codes") or ""
                codes = tuple(c.upper() for c in re.split(r"[\s,]+", raw) if c)
                result.append(Suppression(line, column + 1, codes, "noqa", _split_reason(noqa.group("rest"))))
    return result


def is_code_like(code: str) -> bool:
    return bool(_CODE_RE.match(code))


def covers(codes: tuple[str, ...], code: str) -> str | None:
    """The suppression code that covers `code` ("*" for a blanket suppression), else None."""
    if not codes:
        return "*"
    for candidate in codes:
        if code.startswith(candidate):
            return candidate
    return None


def suppressed_by(
    finding: Finding, statement_line: int, suppressions: list[Suppression], next_line: dict[int, int]
) -> tuple[int, str] | None:
    for index, suppression in enumerate(suppressions):
        if suppression.kind == "noqa":
            applies = suppression.line in (finding.start.line, finding.end.line)
        elif suppression.kind == "next":
            target = next_line.get(suppression.line)
            applies = target is not None and target in (statement_line, finding.start.line)
        else:
            applies = True
        if applies:
            matched = covers(suppression.codes, finding.code)
            if matched is not None:
                return index, matched
    return None


def next_code_lines(text: str, lines: list[int]) -> dict[int, int]:
    """For each own-line comment, the next line that holds code."""
    if not lines:
        return {}
    source_lines = text.splitlines()
    result = {}
    for line in lines:
        for number in range(line + 1, len(source_lines) + 1):
            stripped = source_lines[number - 1].strip()
            if stripped and not stripped.startswith("#"):
                result[line] = number
                break
    return result
