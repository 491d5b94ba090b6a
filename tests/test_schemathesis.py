"""schemathesis against the app's own OpenAPI description: generated requests to every
documented operation never get a 5xx (a bounded number of examples per operation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.settings import Settings
from graph.store import open_store

_store = open_store(":memory:")
_store.init()
app = create_app(_store, Settings(token="schemathesis-token", query_timeout=3, max_upload=1 << 20))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.filterwarnings("ignore")
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=timedelta(seconds=20),
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case: schemathesis.Case) -> None:
    if case.method.upper() not in ("GET", "HEAD"):
        case.headers = {**(case.headers or {}), "Authorization": "Bearer wrong"}  # writes refused, store unchanged
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
