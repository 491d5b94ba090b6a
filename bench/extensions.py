"""The figures of the other helpers (``bench/bench_import.py``, ``bench_network.py``,
``bench_map.py``), each called with the arguments its ``run`` asks for by name."""

from __future__ import annotations

import importlib
import inspect
import json
import time
from typing import Any

from bench.options import Options


def run_extension(module_name: str, pool: dict[str, Any], options: Options) -> dict[str, Any]:
    """Call ``bench/<module>.run(...)`` with the arguments its signature asks for, by name."""
    try:
        module = importlib.import_module(f"bench.{module_name}")
    except ModuleNotFoundError as err:
        if err.name and err.name.startswith(f"bench.{module_name}"):
            return {"available": False, "why": "not available"}
        return {"available": False, "why": f"import failed: {err}"}
    except Exception as err:
        return {"available": False, "why": f"import failed: {type(err).__name__}: {err}"}
    run = getattr(module, "run", None)
    if not callable(run):
        return {"available": False, "why": f"bench/{module_name}.py has no run()"}
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(run).parameters.items():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if name in pool:
            kwargs[name] = pool[name]
        elif param.default is param.empty:
            return {"available": False, "why": f"run() needs {name!r}, which the harness does not know"}
    options.log(f"  bench/{module_name}.run({', '.join(kwargs)})")
    started = time.perf_counter()
    try:
        figures = run(**kwargs)
    except Exception as err:
        return {"available": True, "error": f"{type(err).__name__}: {str(err)[:300]}"}
    return {
        "available": True,
        "seconds": round(time.perf_counter() - started, 2),
        "figures": json.loads(json.dumps(figures, default=str)),
    }
