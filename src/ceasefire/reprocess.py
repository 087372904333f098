"""Re-processing: extraction and adjudication again over stored documents, after a rule or model change.

Extraction runs serially in this process (`local`) or in parallel on Dask distributed: `dask` starts a
LocalCluster of this machine's cores, `dask://HOST:PORT` uses a running scheduler (its workers need this package
installed). Whatever runs the extraction, this process writes each batch's new extractions together with the
run's marks of the documents done, in one transaction: a killed run resumes where it stopped (`ceasefire
reprocess` again with the same days) and nothing is done twice. Events and findings are then refreshed as after an
ingest, so the results are the same whichever executor ran.

    >>> from ceasefire.reprocess import ReprocessRequest, reprocess
    >>> reprocess(store, ReprocessRequest(executor="dask"))   # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ceasefire.errors import InputError
from ceasefire.extract import extract_many
from ceasefire.pipeline import bring_up_to_date
from ceasefire.progress import progress
from ceasefire.records import Document
from ceasefire.store import ExtractionRows, Store

BATCH = 64        # documents per task: large enough for spaCy's batching, small enough to spread over workers
IN_FLIGHT = 3     # tasks queued per worker, so that none waits while this process writes
PAGE = 1024       # documents read from the store at a time
# A Dask worker samples its task's stack every 10 ms for the dashboard's profile and checks its memory every 100 ms:
# 2 workers on 2 cores extracted 3,000 notes in 9.3 s with those, 8.0 s without (serial: 12.2 s). Give a cluster
# of your own the same settings (docs/performance.md).
QUIET_WORKERS = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.interval": "5s",
                 "distributed.worker.memory.monitor-interval": "5s", "distributed.admin.tick.interval": "2s"}


@dataclass(frozen=True)
class ReprocessRequest:
    since: dt.date | None = None
    until: dt.date | None = None
    executor: str = "local"          # "local", "dask" or "dask://HOST:PORT"
    workers: int | None = None       # a LocalCluster's worker processes (default: the machine's cores)
    restart: bool = False            # abandon an unfinished run of other days
    batch: int = BATCH


@dataclass
class ReprocessResult:
    run_id: int
    resumed: bool
    outcomes: Counter = field(default_factory=Counter)  # "changed", "same", "failed": this invocation's documents
    before: int = 0                                       # documents an interrupted invocation of the run had done
    seconds: float = 0.0                                  # the whole command …
    refresh_seconds: float = 0.0                          # … of which the refresh of events and findings


def extract_batch(documents: list[Document]) -> list[ExtractionRows]:
    """One batch, in whichever process runs it (a worker loads the models at its first batch and keeps them), as
    the rows the store keeps."""
    return [ExtractionRows.of(x) for x in extract_many(documents)]


def reprocess(store: Store, request: ReprocessRequest) -> ReprocessResult:
    """Extract every stored document of the request's days again, then bring events and findings up to date."""
    started = time.perf_counter()
    if request.executor != "local" and request.executor != "dask" and not request.executor.startswith("dask://"):
        raise InputError("--executor", f"unknown executor {request.executor!r}: give local, dask or dask://HOST:PORT")
    run_id, resumed = store.open_reprocess_run(request.since, request.until, request.restart)
    left, done = store.reprocess_progress(run_id, request.since, request.until)
    result = ReprocessResult(run_id, resumed, before=sum(done.values()))
    bar = progress(left + result.before, "reprocess", initial=result.before)
    with _executor(request) as run:
        for extractions in run(_batches(store, run_id, request)):
            outcomes = store.replace_extractions(run_id, extractions)
            result.outcomes.update(outcomes.values())
            bar.update(len(outcomes))
    bar.close()
    refreshing = time.perf_counter()
    bring_up_to_date(store)  # the refresh the changes asked for (a kill here is completed by the next command)
    store.finish_reprocess_run(run_id)
    result.refresh_seconds = time.perf_counter() - refreshing
    result.seconds = time.perf_counter() - started
    return result


def _batches(store: Store, run_id: int, request: ReprocessRequest) -> Iterator[list[Document]]:
    after = ""
    while page := store.documents_to_reprocess(run_id, request.since, request.until, after, PAGE):
        after = page[-1].id
        for start in range(0, len(page), request.batch):
            yield page[start:start + request.batch]


Runner = Callable[[Iterator[list[Document]]], Iterator[list[ExtractionRows]]]


@contextmanager
def _executor(request: ReprocessRequest) -> Iterator[Runner]:
    if request.executor == "local":
        yield lambda batches: map(extract_batch, batches)
        return
    import dask
    from distributed import Client, LocalCluster

    if request.executor == "dask":
        workers = request.workers or os.cpu_count() or 1
        # Processes, one thread each: extraction holds the GIL. The scheduler's HTTP routes on a free port (the
        # default 8787 may be taken by another cluster on this machine), on this machine only. Workers without
        # their sampling profiler and with slower monitors (QUIET_WORKERS).
        with dask.config.set(QUIET_WORKERS):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    else:
        cluster = None
    try:
        client = Client(cluster if cluster is not None else "tcp://" + request.executor.removeprefix("dask://"),
                        timeout="20s")
    except OSError as exc:
        raise InputError(request.executor, f"no Dask scheduler answers ({exc})") from None
    try:
        yield lambda batches: _on_cluster(client, batches)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _on_cluster(client, batches: Iterator[list[Document]]) -> Iterator[list[ExtractionRows]]:
    """Batches submitted as tasks, a few per worker at a time, their results given back as they complete."""
    from distributed import as_completed

    window = IN_FLIGHT * max(len(client.scheduler_info()["workers"]), 1)
    running = as_completed()
    for batch in batches:
        running.add(client.submit(extract_batch, batch, pure=False))
        if running.count() >= window:
            yield next(running).result()
    for future in running:
        yield future.result()
