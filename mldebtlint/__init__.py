"""mldebtlint: find the technical debt of Sculley et al. (NIPS 2015) in ML code, statically."""

__version__ = "0.1.0"
