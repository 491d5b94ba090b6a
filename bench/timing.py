"""Timing calls: a warm-up, repetitions, median and p95; engines interleaved call by call.

A call that fails is recorded with its error; one that runs past its cap is recorded as a
timeout (``"timeout": true``, ``"timeout_s"``), so a slow query shows as slow, never as missing.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

SLOW_FIRST_CALL_S = 2.0
"""A query whose first call takes this long is timed 3 times at most."""

TIMED_BUDGET_S = 2.0
MAX_ROUNDS = 21
"""A query every engine warms up in under :data:`SLOW_FIRST_CALL_S` is timed for about
:data:`TIMED_BUDGET_S` on each (interleaved rounds, as ``timeit``'s autorange; never fewer than
``repetitions``, at most :data:`MAX_ROUNDS` unless ``repetitions`` asks for more): 21 rounds of a
query answered in under 0.1 s, 10 of one in 0.2 s, 3 (``-n 3``) from 0.67 s up. Why: the first
calls after a big answer are slower on every engine (page faults, cold caches; on coopgraph for
several calls), and on a query of 2–20 ms a median of three samples measured mostly those. At
10×, three samples gave ``cq08`` 18.6 against 10.8 ms; thirty gave 7.4 against 6.4 ms; and one
pause of the machine during three calls of a 0.1 s query moved its median by half. Each engine's
warm-up time is kept (``first_ms``), so the cold figure is not lost."""


def summarise(samples_s: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds (p95 by nearest rank)."""
    ordered = sorted(samples_s)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
    }


def is_timeout(err: Exception, elapsed_s: float, cap_s: float) -> bool:
    """The call failed because it took too long: a client or server timeout, or past the cap."""
    return "timeout" in type(err).__name__.lower() or "timed out" in str(err).lower() or elapsed_s >= cap_s


def failure(err: Exception, elapsed_s: float, cap_s: float) -> dict[str, Any]:
    """What a failed call records: its error, how long it ran, and whether that was a timeout."""
    out: dict[str, Any] = {"error": f"{type(err).__name__}: {str(err)[:200]}", "skipped_after_s": round(elapsed_s, 2)}
    if is_timeout(err, elapsed_s, cap_s):
        out |= {"timeout": True, "timeout_s": cap_s}
    return out


def time_calls(call: Callable[[], int], repetitions: int, cap_s: float, *, warmup: bool = True) -> dict[str, Any]:
    """One warm-up call, then ``repetitions`` timed ones (fewer when one call is slow).

    A call slower than ``cap_s`` is recorded as a timeout: its time is only a lower bound.
    Without ``warmup`` the first call is also the first sample: for engines that keep nothing a
    first call would fill (rdflib parses and evaluates each query afresh), where a warm-up only
    doubles the time of their slow queries.
    """
    started = time.perf_counter()
    try:
        rows = call()
    except Exception as err:
        return failure(err, time.perf_counter() - started, cap_s)
    first = time.perf_counter() - started
    if first >= cap_s:
        return {"rows": rows, "skipped_after_s": round(first, 2), "timeout": True, "timeout_s": cap_s, "n": 1}
    if repetitions == 0:
        return {"rows": rows, "first_s": first}
    reps = repetitions if first < SLOW_FIRST_CALL_S else min(repetitions, 3)
    samples: list[float] = [] if warmup else [first]
    for _ in range(reps - len(samples)):
        t = time.perf_counter()
        try:
            call()
        except Exception as err:  # a repetition can fail where the first call passed: keep what was timed
            failed = failure(err, time.perf_counter() - t, cap_s)
            failed["error"] += f" (repetition {len(samples) + 1})"
            return {"rows": rows, **failed} | ({"n": len(samples), **summarise(samples)} if samples else {})
        samples.append(time.perf_counter() - t)
    return {"rows": rows, "n": len(samples), **summarise(samples)}


def time_paired(calls: dict[str, Callable[[], int]], repetitions: int, cap_s: float) -> dict[str, dict[str, Any]]:
    """Time several engines on one query, alternating them call by call (in rotating order).

    The machine is shared: interleaving makes any load from elsewhere fall on every engine
    alike, so the ratios hold even when the absolute times wander.
    """
    out: dict[str, dict[str, Any]] = {}
    live: dict[str, Callable[[], int]] = {}
    firsts: list[float] = []
    for engine, call in calls.items():
        first = time_calls(call, 0, cap_s)
        if "rows" in first and not first.get("timeout"):
            live[engine] = call
            firsts.append(float(first["first_s"]))
            out[engine] = {"rows": first["rows"], "first_ms": round(firsts[-1] * 1000, 2)}
        else:
            out[engine] = first
    samples: dict[str, list[float]] = {e: [] for e in live}
    failed: set[str] = set()
    order = list(live)
    for rep in range(paired_repetitions(repetitions, firsts)):
        for engine in order[rep % max(1, len(order)) :] + order[: rep % max(1, len(order))]:
            if engine in failed:
                continue
            t = time.perf_counter()
            try:  # a repetition can fail where the first call passed (a timeout under load): keep the rest
                live[engine]()
            except Exception as err:
                failed.add(engine)
                out[engine] |= failure(err, time.perf_counter() - t, cap_s)
                out[engine]["error"] += f" (repetition {rep + 1})"
                continue
            samples[engine].append(time.perf_counter() - t)
    for engine, got in samples.items():
        if got:
            out[engine] |= {"n": len(got), **summarise(got)}
    return out


def paired_repetitions(repetitions: int, firsts_s: list[float]) -> int:
    """How many interleaved rounds :func:`time_paired` times, given each engine's warm-up time
    (the slowest decides): at most 3 when one took :data:`SLOW_FIRST_CALL_S` or more, else enough
    for about :data:`TIMED_BUDGET_S` of timing per engine, between ``repetitions`` and
    :data:`MAX_ROUNDS`."""
    if not firsts_s:
        return 0
    slowest = max(firsts_s)
    if slowest >= SLOW_FIRST_CALL_S:
        return min(repetitions, 3)
    return max(repetitions, min(MAX_ROUNDS, math.ceil(TIMED_BUDGET_S / max(slowest, 1e-9))))


def fmt(r: dict[str, Any]) -> str:
    """One line for the log: median and p95, or why there is none."""
    if "median_ms" in r:
        return f"median {r['median_ms']:>9.2f} ms  p95 {r['p95_ms']:>9.2f} ms  rows {r.get('rows')}"
    if r.get("timeout"):
        return f"timeout (over {r.get('timeout_s')} s)"
    return f"skipped ({r.get('error') or 'over the cap'}, {r.get('skipped_after_s')} s)"
