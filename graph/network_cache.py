"""The process-wide cache of network results that the CLI and the API share (see graph.cache)."""

from __future__ import annotations

from graph.cache import ResultCache

__all__ = ["CACHE", "ResultCache"]

CACHE = ResultCache()
"""The process-wide cache the CLI and the API share."""
