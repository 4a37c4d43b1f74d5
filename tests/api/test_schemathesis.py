"""Schemathesis over the OpenAPI description (bounded examples per operation): no request the spec
allows may make the server fail with a 5xx or answer outside its schema's status codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from propscope.api.app import create_app
from propscope.api.config import ServerConfig
from propscope.store import Store


def build() -> tuple[object, str]:
    import tempfile

    import shutil

    from propscope.kb.paths import shipped_kb_path

    import atexit

    folder = Path(tempfile.mkdtemp(prefix="propscope-schemathesis-"))
    atexit.register(shutil.rmtree, folder, True)
    shutil.copyfile(shipped_kb_path(), folder / "kb.sqlite")  # imports go to this copy
    store = Store.open(f"sqlite:///{folder / 'st.db'}", migrate=True)
    token, _ = store.create_token("fuzz", "admin")
    # the admin token reaches every operation; rate limit off, so that the fuzzer is never throttled
    return create_app(ServerConfig(rate_per_minute=1_000_000, max_request_bytes=64 * 1024, kb_path=str(folder / "kb.sqlite")), store=store), token


APP, TOKEN = build()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def running_jobs() -> Iterator[None]:
    state = APP.state.propscope  # type: ignore[attr-defined]
    state.jobs.start()
    yield
    state.jobs.stop()


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    case.validate_response(response, checks=(not_a_server_error,))
