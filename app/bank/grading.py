"""Grade a problem's answers: the function the checking workers run. Domain core: no web, no storage."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.errors import AuthorError
from app.engine.verdict import Verdict
from app.kinds import Answer

logger = logging.getLogger(__name__)

MISCONFIGURED = "This question is misconfigured, so your answer was not graded and cost nothing. Please tell your instructor."
UNEXPECTED = "Something went wrong while checking this answer; it cost nothing. Please try again."


def check_part(problem: ProblemSpec, part_id: str, answer: Answer, seed: int) -> Verdict:
    """One part's verdict. Author mistakes and unexpected errors become calm 'invalid' verdicts, never tracebacks."""
    try:
        return problem.part(part_id).check(answer, make_variant(problem, seed))
    except AuthorError as error:
        logger.error("problem %s part %s: %s", problem.id, part_id, error)
        return Verdict.invalid(MISCONFIGURED, "misconfigured")
    except (RecursionError, MemoryError):
        return Verdict.invalid("Your answer is too complex to check; simplify it.", "limit")
    except Exception:
        logger.exception("unexpected error checking %s/%s", problem.id, part_id)
        return Verdict.invalid(UNEXPECTED, "error")


def check_problem(problem: ProblemSpec, answers: Mapping[str, Answer], seed: int) -> dict[str, Verdict]:
    return {part_id: check_part(problem, part_id, answer, seed) for part_id, answer in answers.items()}


def total_score(problem: ProblemSpec, verdicts: Mapping[str, Verdict]) -> float:
    """Points earned: each part's share of its points."""
    return sum(problem.part(pid).points * v.score for pid, v in verdicts.items())
