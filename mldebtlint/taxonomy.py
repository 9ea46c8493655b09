"""The paper's sections: the spine every rule and report hangs from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One section of Sculley et al., "Hidden Technical Debt in Machine Learning Systems"."""

    slug: str
    paper: str  # the section number as printed in the paper, e.g. "§3"
    title: str
    prefix: str  # code prefix of the rules that belong here, e.g. "MLD2"


SECTIONS: tuple[Section, ...] = (
    Section("engine", "-", "Engine diagnostics", "MLD0"),
    Section("boundary-erosion", "§2", "Complex models erode boundaries", "MLD1"),
    Section("data-dependencies", "§3", "Data dependencies cost more than code dependencies", "MLD2"),
    Section("feedback-loops", "§4", "Feedback loops", "MLD3"),
    Section("system-anti-patterns", "§5", "ML-system anti-patterns", "MLD4"),
    Section("configuration-debt", "§6", "Configuration debt", "MLD5"),
    Section("external-world", "§7", "Dealing with changes in the external world", "MLD6"),
    Section("other-debt", "§8", "Other areas of ML-related debt", "MLD7"),
)

SECTIONS_BY_SLUG: dict[str, Section] = {s.slug: s for s in SECTIONS}


def section_for_code(code: str) -> Section | None:
    """The section whose prefix the code carries (MLD201 -> data-dependencies)."""
    for section in SECTIONS:
        if code.startswith(section.prefix):
            return section
    return None
