"""Holotype: an open data portal for natural history collections."""

__version__ = "0.1.0"
