"""Helpers of the browser tests: a deterministic partnership-graph generator and page checks."""
