"""Check a problem part's answer: what the checking workers run (`app.checker` sends them the work).

Domain core: no web, no storage. Machines *check* answers (here); people *grade* free text (`app.grading`)."""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass

from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.errors import AuthorError
from app.engine.expression_check import Interpretation
from app.engine.memo import BoundedCache
from app.engine.verdict import Verdict
from app.kinds import Answer, ExpressionPart, Variant

logger = logging.getLogger(__name__)

MISCONFIGURED = (
    "This question is misconfigured, so your answer was not graded and cost nothing. Please tell your instructor."
)
UNEXPECTED = "Something went wrong while checking this answer; it cost nothing. Please try again."


CACHE_SIZE = 128


@dataclass(frozen=True)
class PackedProblem:
    """A problem pickled once by the service. Workers keep what they decoded, so after the first time the
    service sends only the fingerprint (`reference()`): a 15 kB pickle per check costs more than the check."""

    fingerprint: str
    blob: bytes = b""

    @classmethod
    def pack(cls, problem: ProblemSpec) -> PackedProblem:
        blob = pickle.dumps(problem, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(hashlib.blake2b(blob, digest_size=16).hexdigest(), blob)

    def reference(self) -> PackedProblem:
        return PackedProblem(self.fingerprint)


class UnknownProblem(Exception):
    """This worker has not decoded the problem yet: send it again with its blob."""


_problems: BoundedCache[str, ProblemSpec] = BoundedCache(CACHE_SIZE)
_variants: BoundedCache[tuple[str, int], Variant] = BoundedCache(CACHE_SIZE)


def _decoded(packed: PackedProblem, seed: int) -> tuple[ProblemSpec, Variant]:
    if packed.fingerprint not in _problems and not packed.blob:
        raise UnknownProblem(packed.fingerprint)
    problem = _problems.get(packed.fingerprint, lambda: pickle.loads(packed.blob))
    return problem, _variants.get((packed.fingerprint, seed), lambda: make_variant(problem, seed))


def check_packed(packed: PackedProblem, part_id: str, answer: Answer, seed: int) -> Verdict:
    """`check_part` for a worker: the problem and its variant are decoded once per process, then reused."""
    problem, variant = _decoded(packed, seed)
    return check_part(problem, part_id, answer, seed, variant)


def check_part(
    problem: ProblemSpec, part_id: str, answer: Answer, seed: int, variant: Variant | None = None
) -> Verdict:
    """One part's verdict. Author mistakes and unexpected errors become calm 'invalid' verdicts, never tracebacks."""
    try:
        return problem.part(part_id).check(answer, variant or make_variant(problem, seed))
    except AuthorError as error:
        logger.error("problem %s part %s: %s", problem.id, part_id, error)
        return Verdict.invalid(MISCONFIGURED, "misconfigured")
    except (RecursionError, MemoryError):
        return Verdict.invalid("Your answer is too complex to check; simplify it.", "limit")
    except Exception:
        logger.exception("unexpected error checking %s/%s", problem.id, part_id)
        return Verdict.invalid(UNEXPECTED, "error")


def preview_packed(packed: PackedProblem, part_id: str, text: str, seed: int) -> Interpretation:
    """How an expression answer is read (LaTeX and shape, or the error with its position), not graded."""
    problem, variant = _decoded(packed, seed)
    part = problem.part(part_id)
    if not isinstance(part, ExpressionPart):
        return Interpretation(error="This part takes no formula.")
    try:
        return part.preview(text, variant)
    except AuthorError as error:
        logger.error("problem %s part %s: %s", problem.id, part_id, error)
        return Interpretation(error=MISCONFIGURED)


def check_problem(problem: ProblemSpec, answers: Mapping[str, Answer], seed: int) -> dict[str, Verdict]:
    return {part_id: check_part(problem, part_id, answer, seed) for part_id, answer in answers.items()}
