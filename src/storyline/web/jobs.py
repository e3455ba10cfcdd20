"""Ingest runs started from the browser: one worker thread, progress the page polls.

A run keeps every outcome as it arrives (``on_outcome``), so the page shows each input's status
and reason while the run goes on. Runs are kept in memory for the life of the server; the
articles themselves are in the store.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.model import IngestOutcome, to_dict

__all__ = ["IngestJob", "JobManager"]

_KEEP = 200  # finished runs remembered for the page


@dataclass(slots=True)
class IngestJob:
    id: str
    inputs: list[str]
    # Upload temp paths -> the file names the user chose, so outcomes name what they sent.
    display: dict[str, str] = field(default_factory=dict)
    state: str = "queued"  # queued, running, analysing, done, failed
    outcomes: list[IngestOutcome] = field(default_factory=list)
    error: str | None = None
    analysis: str | None = None
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    tmpdir: str | None = None

    def name(self, source: str) -> str:
        for path, shown in self.display.items():
            if source == path or source.startswith(path + "/") or source.startswith(path + "#"):
                return shown + source[len(path) :]
        return source

    def to_api(self) -> dict[str, Any]:
        outcomes = [{**to_dict(o), "source": self.name(o.source)} for o in self.outcomes]
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status.value] = counts.get(o.status.value, 0) + 1
        return {
            "id": self.id,
            "state": self.state,
            "inputs": [self.display.get(i, i) for i in self.inputs],
            "done": len(self.outcomes),
            "counts": counts,
            "outcomes": outcomes,
            "error": self.error,
            "analysis": self.analysis,
            "started": self.started,
        }


class JobManager:
    """Runs ingest jobs one at a time (the store takes one writer) in a background thread."""

    def __init__(self, store: Any, options: Any, analyze: bool = True) -> None:
        self.store = store
        self.options = options
        # Run the whole pipeline after ingest, so a new article shows in its story.
        self.analyze = analyze
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-ingest")

    def submit(
        self, inputs: list[str], display: dict[str, str] | None = None, tmpdir: str | None = None
    ) -> IngestJob:
        job = IngestJob(uuid.uuid4().hex[:12], list(inputs), dict(display or {}), tmpdir=tmpdir)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > _KEEP:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def recent(self, n: int = 10) -> list[IngestJob]:
        with self._lock:
            return list(reversed(self._jobs.values()))[:n]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: IngestJob) -> None:
        job.state = "running"

        def on_outcome(outcome: Any) -> None:
            if isinstance(outcome, IngestOutcome):
                job.outcomes.append(outcome)

        try:
            if self.analyze:
                self._analyze(job, on_outcome)
            else:
                from storyline.ingest import ingest_sources

                report = ingest_sources(job.inputs, self.store, self.options, on_outcome=on_outcome)
                # The callback may be per item or not called at all: the report is the truth.
                job.outcomes = list(report.outcomes)
                job.analysis = "stored; run `storyline analyze` to build stories"
            job.state = "done"
        except Exception as exc:  # one line for the page; the server keeps running
            job.error = f"{type(exc).__name__}: {_first_line(exc)}"
            job.state = "failed"
        finally:
            if job.tmpdir:
                shutil.rmtree(job.tmpdir, ignore_errors=True)

    def _analyze(self, job: IngestJob, on_outcome: Any) -> None:
        """Ingest, read, cluster and judge in one go (``storyline analyze``), with progress."""
        from storyline.pipeline import AnalyzeStats, analyze

        stats = AnalyzeStats()
        read = 0
        stories: set[str] = set()

        def on_progress(stage: str, item: Any) -> None:
            nonlocal read
            if stage == "ingest":
                on_outcome(item)
                return
            job.state = "analysing"
            if stage == "read":
                read += 1
            elif stage == "verdicts":
                stories.add(str(item))
            job.analysis = f"{read} article(s) read, {len(stories)} stor(y/ies) updated"

        analyze(job.inputs, self.store, self.options, on_progress, stats=stats)
        job.analysis = (
            f"{stats.read} article(s) read, {stats.stories_touched} stor(y/ies) touched, "
            f"{stats.stories_recomputed} re-judged"
        )
        if stats.notes:
            job.analysis += "; " + "; ".join(stats.notes[:3])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else ""


def new_upload_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="storyline-upload-"))
