"""Watching a fine-tune until it ends: status, events and loss by step, polled with backoff.

Each poll hands over only what is new, so a watcher never shows an event or a step twice and
never misses one. A lost connection or a busy service is waited out, and said so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fineauthor.providers.base import Job, JobEvent, MetricPoint, Provider, ProviderError

FIRST_DELAY = 2.0  # seconds between polls while things are changing
LONGEST_DELAY = 30.0  # and at most this long while nothing is
_WAIT_OUT = (ProviderError.NETWORK, ProviderError.RATE_LIMITED, ProviderError.SERVER)


@dataclass
class WatchUpdate:
    """What one poll found that was not seen before."""

    job: Job
    events: list[JobEvent] = field(default_factory=list)
    metrics: list[MetricPoint] = field(default_factory=list)
    status_changed: bool = False


class JobWatcher:
    """Polls one job. ``last_event`` and ``seen_steps`` let a watcher started again (after the
    app was closed) carry on from where the last one stopped."""

    def __init__(
        self,
        provider: Provider,
        job_id: str,
        *,
        last_event: str | None = None,
        seen_steps: set[int] | None = None,
    ) -> None:
        self.provider = provider
        self.job_id = job_id
        self.last_event = last_event
        self.seen_steps: set[int] = set(seen_steps or ())
        self.delay = FIRST_DELAY
        self._last_status: str | None = None

    def poll(self) -> WatchUpdate:
        """One look at the job: its state, new events, new loss points."""
        job = self.provider.get_job(self.job_id)
        events = self.provider.events(self.job_id, after=self.last_event)
        if events:
            self.last_event = events[-1].id
        metrics: list[MetricPoint] = []
        if events or job.finished or not self.seen_steps:
            metrics = [
                m for m in self.provider.metrics(self.job_id) if m.step not in self.seen_steps
            ]
            self.seen_steps.update(m.step for m in metrics)
        changed = job.status != self._last_status
        self._last_status = job.status
        # Poll briskly while something happens, then ease off.
        busy = changed or bool(events) or bool(metrics)
        self.delay = FIRST_DELAY if busy else min(LONGEST_DELAY, self.delay * 1.5)
        return WatchUpdate(job, events, metrics, changed)

    def run(
        self,
        on_update: Callable[[WatchUpdate], None],
        *,
        on_wait: Callable[[str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Job | None:
        """Poll until the job ends (returns it) or ``cancelled()`` turns true (returns None).
        A dropped connection or a busy service is waited out and reported to ``on_wait``."""
        while True:
            if cancelled is not None and cancelled():
                return None
            try:
                update = self.poll()
            except ProviderError as problem:
                if problem.kind not in _WAIT_OUT:
                    raise
                wait = problem.retry_after or self.delay
                self.delay = min(LONGEST_DELAY, self.delay * 2)
                if on_wait is not None:
                    on_wait(f"{problem} Trying again in {round(wait)} seconds.")
                _sleep_unless_cancelled(sleep, wait, cancelled)
                continue
            on_update(update)
            if update.job.finished:
                return update.job
            _sleep_unless_cancelled(sleep, self.delay, cancelled)


def _sleep_unless_cancelled(
    sleep: Callable[[float], None], seconds: float, cancelled: Callable[[], bool] | None
) -> None:
    # Short naps, so stopping the watch takes effect within a quarter of a second.
    slept = 0.0
    while slept < seconds:
        if cancelled is not None and cancelled():
            return
        nap = min(0.25, seconds - slept)
        sleep(nap)
        slept += nap
