"""Imports over HTTP: upload a file (with a mapping, dry run, on-error choice), list, show, undo."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from api.auth import require_token
from api.problems import Problem
from graph import batches
from graph.ingest.mapping import MappingError, load_mapping

router = APIRouter(prefix="/api/imports", tags=["imports"])


@router.post("", dependencies=[Depends(require_token)])
async def create_import(
    request: Request,
    file: UploadFile = File(...),  # noqa: B008 - FastAPI's way of declaring a multipart file
    mapping: UploadFile | None = File(None),  # noqa: B008
    dry_run: bool = Form(False),
    on_error: str | None = Form(None),
) -> Any:
    """Import the uploaded file as one batch and answer with the report (nothing written if refused)."""
    settings = request.app.state.settings
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > settings.max_upload:
        raise Problem(413, "Upload too large", f"the limit is {settings.max_upload} bytes", parameter="file")
    if on_error not in (None, "", "reject", "skip"):
        raise Problem(400, "Invalid parameter", "on_error must be 'reject' or 'skip'", parameter="on_error")
    content = await file.read(settings.max_upload + 1)
    if len(content) > settings.max_upload:
        raise Problem(413, "Upload too large", f"the limit is {settings.max_upload} bytes", parameter="file")
    the_mapping = None
    if mapping is not None:
        try:
            the_mapping = load_mapping(text=(await mapping.read()).decode("utf-8"))
        except (MappingError, UnicodeDecodeError) as err:
            raise Problem(400, "Invalid mapping", str(err), parameter="mapping") from err
    from graph.ingest.pipeline import import_file

    report = await run_in_threadpool(
        import_file,
        request.app.state.store,
        file.filename or "upload.csv",
        content,
        mapping=the_mapping,
        dry_run=dry_run,
        on_error=on_error or None,
    )
    data = report.as_dict()
    if report.status == "rejected":
        raise Problem(422, "Import refused", report.message, report=data)
    return data


@router.get("")
def list_imports(request: Request) -> list[dict[str, Any]]:
    """Every import batch with its PROV-O record, oldest first."""
    return [_batch(row) for row in batches.list_batches(request.app.state.store)]


@router.get("/{batch_id}")
def show_import(request: Request, batch_id: str) -> dict[str, Any]:
    """One batch's record and its flags (what was rejected or flagged, and why)."""
    store = request.app.state.store
    if not batches.exists(store, batch_id):
        raise Problem(404, "No such import", f"no batch {batch_id!r}", parameter="batch_id")
    row = next(r for r in batches.list_batches(store) if str(r.get("batch", "")).endswith("/" + batch_id))
    from rdflib import URIRef

    flags = store.select("cq15_import_flags", batch=URIRef(f"{store.base}batch/{batch_id}"))
    out = _batch(row)
    out["flags"] = [{k: str(v) for k, v in f.items() if k not in ("batch", "source")} for f in flags]
    return out


@router.delete("/{batch_id}", dependencies=[Depends(require_token)])
def undo_import(request: Request, batch_id: str) -> dict[str, Any]:
    """Undo a batch: its graph, its record and its flags go, in one write."""
    store = request.app.state.store
    if not batches.exists(store, batch_id):
        raise Problem(404, "No such import", f"no batch {batch_id!r}", parameter="batch_id")
    batches.undo(store, batch_id)
    return {"undone": batch_id}


def _batch(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items()}
    out["id"] = str(row.get("batch", "")).rsplit("/", 1)[-1]
    return out
