"""The grade outbox's drainer. Scores are queued in the database (`app.lti.grades.enqueue`) and sent from there,
so none is lost to a crash, a restart or an LMS that is down.

`Drainer.drain_once(now)` sends every due post once: 2xx → sent; 429, 5xx, 408, 401 (the cached token is dropped)
or a network error → tried again after an exponential backoff (30 s, 1 min, 2 min… at most 6 h, never sooner than
the platform's Retry-After) until `QUIZ_LTI_OUTBOX_MAX_TRIES`; any other 4xx (422…) → failed at once. Failed
posts are listed at /instructor/lti and by `quizzes lti outbox`, which can queue them again.

Several drainers (app processes, hosts) may run at once. Each post is leased by one of them, and a post is sent
only while its drainer holds the lease of its learner's line item (`app.storage.leases`) and only if it is still
the newest score there, checked under that lease: so no drainer ever sends an older score after a newer one.

`Drainer.run()` is the app's background task: it drains when woken (right after an attempt is graded) and at
least every `QUIZ_LTI_OUTBOX_POLL_SECONDS`. The tests call `drain_once` directly with their own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool

from app.lti import keys, outbox_store
from app.lti.ags import AgsError, TokenEndpoint, line_item_scopes
from app.lti.claims import SCOPE_LINEITEM, SCOPE_SCORE
from app.lti.service import LtiService
from app.storage import leases
from app.storage.lti import LtiGradePost, LtiKey

log = logging.getLogger(__name__)
BATCH = 50
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)
DEFER = timedelta(seconds=5)  # another worker is creating the link's line item


def backoff(tries: int, retry_after: float | None = None) -> timedelta:
    """How long to wait after the `tries`-th failed try (1, 2, …)."""
    delay = min(BACKOFF_BASE * 2 ** max(0, tries - 1), BACKOFF_CAP)
    return min(max(delay, timedelta(seconds=retry_after or 0)), BACKOFF_CAP)


@dataclass(frozen=True)
class Job:
    """A leased post with what sending it needs (read in one session, used outside it)."""

    post_id: int
    tries: int
    score: dict[str, Any]
    lineitem: str | None
    lineitems: str | None
    scopes: tuple[str, ...]
    deployment_pk: int
    resource_link_id: str
    resource_id: str
    endpoint: TokenEndpoint
    launch_id: int

    @property
    def lease_name(self) -> str:
        """One lease per learner and line item: a launch is one learner's link to one line item."""
        return f"lti-score:{self.launch_id}"


@dataclass(frozen=True)
class Outcome:
    kind: str  # sent | retry | failed | deferred | superseded
    error: str | None = None
    retry_after: float | None = None


@dataclass
class DrainReport:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    deferred: int = 0
    superseded: int = 0


class Drainer:
    def __init__(self, service: LtiService) -> None:
        self.service = service

    async def drain_once(self, now: datetime | None = None) -> DrainReport:
        """Try every due post once; what became of them."""
        now = now or self.service.clock()
        jobs, key = await run_in_threadpool(self._claim, now)
        report = DrainReport()
        for job in jobs:
            outcome = await self._deliver(job, key, now) if key is not None else Outcome("deferred")
            if outcome.kind == "deferred":
                await run_in_threadpool(self._settle, job, outcome, now)
            setattr(report, outcome.kind, getattr(report, outcome.kind) + 1)
        return report

    async def _deliver(self, job: Job, key: LtiKey, now: datetime) -> Outcome:
        """Send the post and settle it, holding its line item's lease from the newest-score check to the end."""
        holder = secrets.token_hex(8)
        if not await run_in_threadpool(self._lease, job, holder, now):
            return Outcome("deferred")  # another drainer is sending this learner's score to this line item
        try:
            if not await run_in_threadpool(self._still_newest, job):
                return Outcome("superseded")
            outcome = await self._send(job, key, now)
            await run_in_threadpool(self._settle, job, outcome, now)
            return outcome
        finally:
            await run_in_threadpool(self._unlease, job, holder)

    async def run(self) -> None:
        """Drain when woken or every poll interval (sooner when a retry falls due), until cancelled."""
        interval = self.service.settings.lti_outbox_poll_seconds
        while True:
            timeout = interval
            due = await run_in_threadpool(self._next_due)
            if due is not None:
                timeout = min(interval, max(1.0, (due - self.service.clock()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.service.wakeup.wait(), timeout=timeout)
            self.service.wakeup.clear()
            try:
                report = await self.drain_once()
            except Exception:  # the loop must survive a database hiccup; the posts stay queued
                log.exception("LTI grade outbox: drain failed")
                continue
            if sum((report.sent, report.retry, report.failed)) >= BATCH:
                self.service.wake()  # more may be waiting

    # In a worker thread: the database

    def _next_due(self) -> datetime | None:
        with self.service.sessions() as session:
            return outbox_store.next_due(session)

    def _claim(self, now: datetime) -> tuple[list[Job], LtiKey | None]:
        with self.service.sessions() as session:
            ids = outbox_store.claim_due(session, now, BATCH)
            jobs = [self._job(*outbox_store.post_context(session, post_id)) for post_id in ids]
            return jobs, keys.signing_key(session, now) if jobs else None

    @staticmethod
    def _job(post: LtiGradePost, launch: Any, deployment: Any, platform: Any) -> Job:
        score = {
            "userId": launch.subject, "scoreGiven": post.score_given, "scoreMaximum": post.score_maximum,
            "activityProgress": post.activity_progress, "gradingProgress": post.grading_progress,
            "timestamp": post.scored_at.isoformat(timespec="milliseconds"),
        }  # fmt: skip
        endpoint = TokenEndpoint(
            platform.id, platform.client_id, platform.auth_token_url, platform.token_audience or platform.auth_token_url
        )
        return Job(
            post.id, post.tries, score, launch.lineitem, launch.lineitems, tuple(launch.ags_scopes.split()),
            deployment.id, launch.resource_link_id, f"{launch.target_kind}:{launch.target_id}", endpoint, launch.id,
        )  # fmt: skip

    def _lease(self, job: Job, holder: str, now: datetime) -> bool:
        with self.service.sessions() as session:
            return leases.acquire(session, job.lease_name, holder, now, outbox_store.LEASE)

    def _unlease(self, job: Job, holder: str) -> None:
        with self.service.sessions() as session:
            leases.release(session, job.lease_name, holder)

    def _still_newest(self, job: Job) -> bool:
        """A newer score supersedes a pending one in the same commit that queues it (app.lti.grades.enqueue)."""
        with self.service.sessions() as session:
            post = session.get(LtiGradePost, job.post_id)
            return post is not None and post.status == "pending"

    def _settle(self, job: Job, outcome: Outcome, now: datetime) -> None:
        with self.service.sessions() as session:
            post = session.get(LtiGradePost, job.post_id)
            if post is None or post.status != "pending":
                return  # superseded by a newer score meanwhile
            post.lease_until = None
            if outcome.kind == "deferred":
                post.next_try_at = now + DEFER
            elif outcome.kind == "sent":
                post.status, post.sent_at, post.tries, post.last_error = "sent", now, post.tries + 1, None
            else:
                post.tries += 1
                post.last_error = outcome.error
                if outcome.kind == "failed":
                    post.status = "failed"
                elif post.tries >= self.service.settings.lti_outbox_max_tries:
                    post.status, post.last_error = "failed", f"gave up after {post.tries} tries: {outcome.error}"
                else:
                    post.next_try_at = now + backoff(post.tries, outcome.retry_after)
            session.commit()

    # The platform

    async def _send(self, job: Job, key: LtiKey, now: datetime) -> Outcome:
        ags = self.service.ags
        try:
            url = job.lineitem or await self._line_item(job, key, now)
            if url is None:
                return Outcome("deferred")
            token = await ags.token(job.endpoint, (SCOPE_SCORE,), lambda c: keys.sign_with(key, c), now)
            await ags.post_score(url, job.score, token)
        except AgsError as error:
            if error.status == 401:
                self.service.tokens.drop(job.endpoint.platform_id)
            return Outcome("failed" if error.permanent else "retry", str(error), error.retry_after)
        return Outcome("sent")

    async def _line_item(self, job: Job, key: LtiKey, now: datetime) -> str | None:
        """The link's line item when the launch named none (D2L): stored, else found, else created — once."""
        url, mine = await run_in_threadpool(self._claim_line_item, job, now)
        if url is not None or not mine:
            return url
        try:
            url = await self._find_or_create(job, key, now)
        except Exception:
            await run_in_threadpool(self._settle_line_item, job, None)  # let a later try look again
            raise
        await run_in_threadpool(self._settle_line_item, job, url)
        return url

    def _claim_line_item(self, job: Job, now: datetime) -> tuple[str | None, bool]:
        with self.service.sessions() as session:
            return outbox_store.claim_line_item(session, job.deployment_pk, job.resource_link_id, now)

    def _settle_line_item(self, job: Job, url: str | None) -> None:
        with self.service.sessions() as session:
            outbox_store.settle_line_item(session, job.deployment_pk, job.resource_link_id, url)

    async def _find_or_create(self, job: Job, key: LtiKey, now: datetime) -> str:
        scopes = line_item_scopes(job.scopes)
        if job.lineitems is None or not scopes:
            raise AgsError("the platform sent no line item for this link and no way to find one", permanent=True)
        ags = self.service.ags
        token = await ags.token(job.endpoint, scopes, lambda c: keys.sign_with(key, c), now)
        found = await ags.find_line_item(job.lineitems, job.resource_link_id, job.resource_id, token)
        if found is not None:
            return found
        if SCOPE_LINEITEM not in scopes:
            raise AgsError("no line item for this link, and the platform does not let the tool create one", True)
        body = {
            "scoreMaximum": job.score["scoreMaximum"], "label": self._label(job), "resourceId": job.resource_id,
            "resourceLinkId": job.resource_link_id, "tag": "quizzes",
        }  # fmt: skip
        return await ags.create_line_item(job.lineitems, body, token)

    def _label(self, job: Job) -> str:
        kind, _, target_id = job.resource_id.partition(":")
        problem = self.service.bank().problems.get(target_id) if kind == "problem" else None
        return problem.title if problem is not None else target_id
