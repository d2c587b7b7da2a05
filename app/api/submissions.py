"""POST /api/v1/submissions: record a learner's answers, exactly once per `Idempotency-Key`.

The header is required: a submission costs attempts, and LMS back ends retry on time-outs. The key is remembered
per learner with a fingerprint of the body (SHA-256 of its canonical JSON) and, once answered, the response body:

- the same key and body again → the stored response, byte for byte (`Idempotent-Replayed: true`); nothing is
  checked, recorded or counted again;
- the same key with another body → 422 problem details (`idempotency-key-reused`), nothing recorded;
- the same key and body at the same moment (a client retrying while the first request runs) → both run, each
  part's attempt is stored once under `key:part` (a unique constraint decides), and both answer the response
  stored first;
- a request that failed before its response was stored → retrying it returns the attempts already recorded;
- a part that could not be checked (busy or crashed workers) → 503 problem details with `Retry-After`, and nothing
  is stored under the key for that part or for the response: the retry checks it and gets a real verdict.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from app.api.auth import PROBLEM_TYPE, SECURED, Principal, problem_doc, require
from app.api.errors import ApiError
from app.api.learners import LEARNER_ID
from app.deps import BankDep, PracticeDep, RepoDep, in_one_trip
from app.engine.verdict import Verdict
from app.scoring import verdicts_score
from app.storage.api_keys import IDEMPOTENCY_KEY_LENGTH, IdempotentRequest, claim_request, finish_request
from app.storage.repository import MAX_SEED

RETRY_AFTER_SECONDS = "2"
IDEMPOTENCY_KEY = re.compile(rf"^[A-Za-z0-9._~-]{{1,{IDEMPOTENCY_KEY_LENGTH}}}$")

router = APIRouter(prefix="/api/v1", tags=["submissions"], responses=SECURED)


class SubmissionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    learner_id: str = Field(pattern=LEARNER_ID, description="32 lowercase hex digits; unknown ids are created.")
    problem_id: str = Field(max_length=100)
    seed: int | None = Field(
        None, ge=0, le=MAX_SEED, description="Variant; default: the learner's current one (0 the first time)."
    )
    answers: dict[str, Any] = Field(
        min_length=1, description="Part id → answer, as for the stateless check; blank answers are skipped."
    )


class PartResult(Verdict):
    attempts_left: int | None = Field(
        None, description="Counted attempts left, over every variant; null: unlimited; 0 once answers no longer count."
    )
    counted: bool = Field(
        True,
        description="Whether this answer used an attempt and can score. False for an answer that could not be read, "
        "and for one checked for practice: after the set's due date (`late`), or once the part's solution was "
        "shown without a right answer. A practice answer is recorded but changes no score or LMS grade.",
    )
    late: bool = Field(False, description="Sent after the set's due date (checked for practice, never counted).")


class SubmissionResponse(BaseModel):
    learner_id: str
    problem_id: str
    seed: int = Field(description="The variant the answers were checked at.")
    idempotency_key: str
    parts: dict[str, PartResult] = Field(description="Each part checked (blank answers are not), in problem order.")
    score: float = Field(description="Points earned by the parts in `parts`.")
    max_score: float = Field(description="Points of the parts in `parts`.")


def idempotency_key(
    header: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Required. 1 to 64 of `A-Z a-z 0-9 . _ ~ -` (a UUID fits), unique per submission and learner;"
            " resend it unchanged when retrying.",
        ),
    ] = None,
) -> str:
    """The request's key (a structured-field string `"…"` is unquoted), or a 400."""
    if header is None:
        raise ApiError(
            400,
            PROBLEM_TYPE + "idempotency-key-missing",
            "Idempotency-Key required",
            "Send an `Idempotency-Key` header (e.g. a UUID) with every submission, and the same one when retrying.",
        )
    key = header.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not IDEMPOTENCY_KEY.match(key):
        raise ApiError(
            400,
            PROBLEM_TYPE + "idempotency-key-invalid",
            "Invalid Idempotency-Key",
            f"An Idempotency-Key is 1 to {IDEMPOTENCY_KEY_LENGTH} of A-Z a-z 0-9 . _ ~ - (a UUID fits).",
        )
    return key


def fingerprint(body: SubmissionRequest) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _unprocessable(kind: str, title: str, detail: str) -> ApiError:
    return ApiError(422, PROBLEM_TYPE + kind, title, detail)


@router.post(
    "/submissions",
    response_model=SubmissionResponse,
    responses={
        200: {
            "headers": {
                "Idempotent-Replayed": {"description": "`true` on a replayed response.", "schema": {"type": "string"}}
            }
        },
        400: problem_doc("The `Idempotency-Key` header is missing or malformed."),
        422: problem_doc("Invalid body, unknown problem or part, or an `Idempotency-Key` reused with another body."),
        503: problem_doc(
            "Some answers could not be checked right now; retry with the same `Idempotency-Key`.",
            {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}},
        ),
    },
)
async def submit(
    _: Annotated[Principal, Depends(require("submit"))],  # first: a caller without a key learns nothing else
    key: Annotated[str, Depends(idempotency_key)],
    body: SubmissionRequest,
    bank: BankDep,
    practice: PracticeDep,
    repo: RepoDep,
    request: Request,
) -> Response:
    """Check and record a learner's answers to one problem (each counts as an attempt). Scope: `submit`."""
    spec = bank.problems.get(body.problem_id)
    if spec is None:
        raise _unprocessable("unknown-problem", "Unknown problem", f"No problem with id {body.problem_id!r}.")
    known = [part.id for part in spec.parts]
    unknown = sorted(set(body.answers) - set(known))
    if unknown:
        raise _unprocessable("unknown-part", "Unknown part", f"Unknown part id(s) {unknown}; this problem has {known}.")
    learner = body.learner_id
    request_print = fingerprint(body)

    def claim_key() -> IdempotentRequest:
        repo.get_or_create_learner(learner)
        return claim_request(repo.session, learner, key, request_print)

    claim = await in_one_trip(repo, claim_key)
    if claim.fingerprint != request_print:
        raise _unprocessable(
            "idempotency-key-reused",
            "Idempotency-Key reused",
            f"The Idempotency-Key {key!r} was used for a different submission by this learner; use a new key.",
        )
    if claim.response is not None:
        return _json(claim.response, replayed=True)
    submission = await practice.submit(learner, spec, body.answers, seed=body.seed, idempotency_key=key)
    if submission.unchecked:
        raise ApiError(
            503,
            PROBLEM_TYPE + "checker-unavailable",
            "Answers could not be checked right now",
            f"Part(s) {submission.unchecked} could not be checked right now; retry with the same Idempotency-Key"
            " (the parts already checked are not checked or counted again).",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    standings = await practice.standings(learner, spec)
    parts = {
        pid: PartResult(
            **submission.verdicts[pid].model_dump(),
            attempts_left=standings[pid].attempts_left,
            counted=submission.counted.get(pid, False),
            late=submission.late,
        )
        for pid in known
        if pid in submission.verdicts
    }
    response = SubmissionResponse(
        learner_id=learner,
        problem_id=spec.id,
        seed=submission.seed,
        idempotency_key=key,
        parts=parts,
        score=verdicts_score(spec, parts),
        max_score=sum(spec.part(pid).points for pid in parts),
    )
    stored = await run_in_threadpool(finish_request, repo.session, learner, key, response.model_dump_json())
    return _json(stored, replayed=False)


def _json(body: str, replayed: bool) -> Response:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(body, media_type="application/json", headers=headers)
