"""Measures that may be undefined on the graph at hand become ``None``, never NaN or an error."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx


def finite(value: Any) -> float | None:
    """``value`` as a float, or ``None`` when it is missing, NaN or infinite."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@contextmanager
def quiet() -> Iterator[None]:
    """networkx's and numpy's ``RuntimeWarning`` silenced: an undefined measure is reported as
    ``None`` by the caller, the warning would only repeat it on the console."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def safe(compute: Callable[[], Any]) -> float | None:
    """The value of ``compute()``, or ``None`` when the measure is undefined on this graph."""
    with quiet():
        try:
            return finite(compute())
        except (ZeroDivisionError, ValueError, KeyError, IndexError, nx.NetworkXException):
            return None
