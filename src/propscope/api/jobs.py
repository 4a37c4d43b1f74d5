"""Jobs: many documents analysed in the background and stored, with progress per document.

A job is written to the store first (its items with their payloads), then analysed by this
process's runner thread, one document at a time, so that ``GET /v1/jobs/{id}`` on any worker
process shows the progress. A job whose server stops part way stays ``running`` with its remaining
items ``queued`` (they are not resumed: a restarted server does not know which worker owned it).
"""

from __future__ import annotations

import logging
import queue
import threading

from propscope.api.analysis import analyze_one, ingest_document, store_outcome
from propscope.api.schemas import Document, Settings
from propscope.api.state import AppState

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="propscope-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def submit(self, job_id: str) -> None:
        self.start()
        self._queue.put(job_id)

    def wait_idle(self) -> None:
        """Block until every submitted job is done (tests and shutdown)."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                if job_id is None:
                    return
                self._run(job_id)
            except Exception:  # a job must never kill the runner; the error is in the server log
                log.exception("job %s failed", job_id)
            finally:
                self._queue.task_done()

    def _run(self, job_id: str) -> None:
        store = self.state.store
        job = store.job(job_id)
        settings = Settings(**job.settings).run_settings()
        store.set_job_status(job_id, "running")
        for index, _source, payload in store.job_payloads(job_id):
            result = ingest_document(self.state, Document(**payload))
            outcome = analyze_one(self.state, result, settings)
            if outcome.status == "error" or outcome.article is None:
                error = outcome.error
                store.finish_job_item(
                    job_id, index, "error", error=(getattr(error, "code", "E000"), getattr(error, "message", str(error)))
                )
                continue
            saved = store_outcome(self.state, outcome, settings)
            reason = (outcome.error.code, outcome.reason or "") if outcome.error is not None else None
            store.finish_job_item(job_id, index, outcome.status, saved=saved, error=reason)
        store.set_job_status(job_id, "done")
        log.info("job %s done (%d documents)", job_id, job.total)
