"""coopgraph: a knowledge graph of decentralised-cooperation partnerships.

The library layer: store, ingest, queries, network analyses, rendering and the command line.
It knows nothing of HTTP; ``api`` builds on it.
"""

__version__ = "0.1.0"
