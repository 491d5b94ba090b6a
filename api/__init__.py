"""coopgraph over HTTP: a thin FastAPI layer over the ``graph`` library."""
