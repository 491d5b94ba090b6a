"""A user's SPARQL Update for the endpoint: sandboxed, parsed, and given the protocol's dataset.

The SPARQL 1.1 Protocol's ``using-graph-uri`` / ``using-named-graph-uri`` name the RDF dataset
the update's ``WHERE`` clauses read — exactly as ``USING`` / ``USING NAMED`` would: the merge of
the ``using-graph-uri`` graphs as default graph, the ``using-named-graph-uri`` graphs as named
graphs (either list may be empty; an empty default graph then matches nothing). How each
backend gets them (:meth:`graph.store.Store.run_update`):

- a **remote** server receives them as those protocol parameters, which any SPARQL 1.1 server
  honours (Oxigraph server does even with ``--union-default-graph``, while it refuses ``USING``
  written in the text);
- the **embedded** store gets them as ``USING`` clauses written into the text
  (:func:`with_using`; pyoxigraph's update has no dataset option). ``DELETE WHERE { P }`` has no
  ``USING`` slot, so it is written out as ``DELETE { P } USING … WHERE { P }``, its definition —
  a server applies the parameters to it too, and both backends must agree.

An update that names its own dataset (``USING`` or ``WITH``) together with the parameters is
refused (:class:`DatasetConflict`, Protocol §2.2.3). A ``USING`` in the text is refused on a
remote store (:class:`Unsupported`): the server reads the union as its default graph and
refuses it; the parameters say the same and work everywhere.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph import sandbox
from graph.sparql_errors import DatasetConflict, Unsupported
from graph.sparql_text import Dataset, Token, syntax_error, tokens


def prepare_update(
    text: str, *, base: str, allow: tuple[str, ...] = (), using: Dataset | None = None, remote: bool = False
) -> str:
    """Check an update (sandbox, syntax, dataset clauses) before it runs; returns its text.

    The syntax check runs the update against a fresh empty in-memory store. ``using`` is the
    protocol's dataset: checked here (conflicts), applied when the update runs.
    """
    sandbox.check(text, allow)
    clauses = dataset_clauses(text)
    if using is not None and using.given and clauses:
        raise DatasetConflict(
            "using-graph-uri / using-named-graph-uri cannot be combined with an update that has "
            f"{' or '.join(sorted(clauses))}: send the dataset one way only"
        )
    if remote and "USING" in clauses:
        raise Unsupported(
            "USING in an update is refused by the remote SPARQL server, which reads the union of its graphs as "
            "default graph; send the graphs as using-graph-uri / using-named-graph-uri parameters instead "
            "(same meaning), or write GRAPH <…> { … } in the WHERE clause"
        )
    try:
        ox.Store().update(text, base_iri=base)
    except SyntaxError as err:
        raise syntax_error(err, "update") from err
    except OSError:
        pass  # not a syntax problem; the real store will say what it is
    return text


def dataset_clauses(text: str) -> set[str]:
    """``USING`` and/or ``WITH`` if an operation of ``text`` names its own dataset."""
    return {t.text.upper() for t in tokens(text) if t.kind == "word" and t.depth == 0} & {"USING", "WITH"}


def with_using(text: str, using: Dataset) -> str:
    """``text`` with ``USING`` / ``USING NAMED`` clauses before each top-level ``WHERE``.

    ``DELETE WHERE { P }`` becomes ``DELETE { P } USING … WHERE { P }``. Refused
    (:class:`DatasetConflict`) when the update already names a dataset with ``USING`` or
    ``WITH``. Data operations (``INSERT DATA`` …) and graph management have no ``WHERE`` and are
    left as they are.
    """
    if dataset_clauses(text):
        raise DatasetConflict(
            "using-graph-uri / using-named-graph-uri cannot be combined with an update that has USING or WITH"
        )
    clause = " ".join(
        [f"USING {ox.NamedNode(g)}" for g in using.default] + [f"USING NAMED {ox.NamedNode(g)}" for g in using.named]
    )
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in order
    previous: Token | None = None
    stream = list(tokens(text))
    for i, token in enumerate(stream):
        if token.kind == "word" and token.depth == 0 and token.text.upper() == "WHERE":
            if previous is not None and previous.kind == "word" and previous.text.upper() == "DELETE":
                pattern = _group_at(text, stream, i + 1)
                edits.append((token.start, token.start + len(token.text), f"{pattern} {clause} WHERE"))
            else:
                edits.append((token.start, token.start, clause + " "))
        previous = token
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def _group_at(text: str, stream: list[Token], index: int) -> str:
    """The text of the ``{ … }`` group whose opening brace is ``stream[index]``."""
    opening = stream[index] if index < len(stream) else None
    if opening is None or opening.text != "{":
        return "{ }"  # not an update: the parser will say so, with its position
    for token in stream[index + 1 :]:
        if token.text == "}" and token.depth == opening.depth:
            return text[opening.start : token.start + 1]
    return text[opening.start :]
