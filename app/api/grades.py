"""GET /api/v1/sets/{set_id}/grades: one row per learner who attempted the set, as JSON pages or one CSV file.

JSON pages are keyset-paginated (`limit` ≤ 500, `cursor` from `next`). The CSV (`Accept: text/csv` or
`?format=csv`) holds every learner and opens cleanly in a spreadsheet: UTF-8 with a byte-order mark, a header row,
CRLF line ends, numbers unquoted, and text cells that a spreadsheet would run as a formula (starting with
= + - @, tab or carriage return) prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from app.api.auth import SECURED, Principal, problem_doc, require
from app.api.deps import BankDep
from app.api.learners import LEARNER_ID, RepoDep
from app.bank.models import ProblemSpec
from app.storage.gradebook import LearnerScores, grade_page
from app.storage.repository import Repository

MAX_LIMIT = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")  # a set id is free text; a header value must not be

router = APIRouter(prefix="/api/v1", tags=["grades"], responses=SECURED)


class ProblemColumn(BaseModel):
    id: str
    title: str
    max_score: float


class GradeRow(BaseModel):
    learner_id: str
    display_name: str | None
    lti_issuer: str | None = Field(description="The LTI platform that launched the learner, if any.")
    lti_subject: str | None = Field(description="The learner's LTI user id on that platform.")
    score: float = Field(description="Points over the set: per part, the best counted score × points.")
    max_score: float
    problems: dict[str, float] = Field(description="Problem id → points earned (0 when not attempted).")


class GradesPage(BaseModel):
    set: str
    problems: list[ProblemColumn] = Field(description="The set's problems, in order: the columns of `problems`.")
    max_score: float
    rows: list[GradeRow] = Field(description="Learners with a counted attempt in the set, by learner id.")
    next: str | None = Field(description="The next page's URL; null on the last page.")


def grade_row(scores: LearnerScores, problems: Sequence[ProblemSpec]) -> GradeRow:
    earned = {
        spec.id: sum(part.points * scores.best.get((spec.id, part.id), 0.0) for part in spec.parts) for spec in problems
    }
    return GradeRow(
        learner_id=scores.learner_id,
        display_name=scores.display_name,
        lti_issuer=scores.lti_issuer,
        lti_subject=scores.lti_subject,
        score=sum(earned.values()),
        max_score=_points(problems),
        problems=earned,
    )


def _points(problems: Sequence[ProblemSpec]) -> float:
    return sum(part.points for spec in problems for part in spec.parts)


def wants_csv(accept: str) -> bool:
    """Whether `Accept` prefers text/csv to JSON (by q-value; ties go to CSV, which must be asked for by name)."""
    weights: dict[str, float] = {}
    for item in accept.split(","):
        media, *params = (piece.strip() for piece in item.split(";"))
        q = next((p[2:] for p in params if p.lower().startswith("q=")), "1")
        try:
            weights[media.lower()] = float(q)
        except ValueError:
            continue
    csv_q = weights.get("text/csv", 0.0)
    return csv_q > 0 and csv_q >= weights.get("application/json", 0.0)


def spreadsheet_text(value: str | None) -> str:
    """A text cell that a spreadsheet shows as text, never runs as a formula (spreadsheets skip leading spaces, so
    `' =1+1'` is a formula too)."""
    text = value or ""
    return "'" + text if text.lstrip(" \t\r\n\f\v\u00a0").startswith(FORMULA_START) else text


def spreadsheet_number(value: float) -> str:
    """At most 4 decimals, no trailing zeros: 3, 2.5, 0.6667."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def all_rows(repo: Repository, problems: Sequence[ProblemSpec]) -> Iterator[GradeRow]:
    ids, after, more = [p.id for p in problems], None, True
    while more:
        page, more = grade_page(repo.session, ids, after, MAX_LIMIT)
        yield from (grade_row(scores, problems) for scores in page)
        after = page[-1].learner_id if page else None


def grades_csv(set_id: str, problems: Sequence[ProblemSpec], rows: Iterator[GradeRow]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "learner_id",
            "display_name",
            "lti_issuer",
            "lti_subject",
            "score",
            "max_score",
            *(spreadsheet_text(p.id) for p in problems),
        ]
    )
    for row in rows:
        texts = (row.learner_id, row.display_name, row.lti_issuer, row.lti_subject)
        numbers = (row.score, row.max_score, *(row.problems[p.id] for p in problems))
        writer.writerow([*map(spreadsheet_text, texts), *map(spreadsheet_number, numbers)])
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_UNSAFE_IN_FILENAME.sub("_", set_id)}-grades.csv"'},
    )


@router.get(
    "/sets/{set_id}/grades",
    response_model=GradesPage,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "A page of grades (JSON), or every learner's (CSV).",
        },
        404: problem_doc("No problem set with this id."),
    },
)
def set_grades(
    _: Annotated[Principal, Depends(require("grades:read"))],
    set_id: str,
    request: Request,
    response: Response,
    bank: BankDep,
    repo: RepoDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per JSON page.")] = 100,
    cursor: Annotated[str | None, Query(pattern=LEARNER_ID, description="From the previous page's `next`.")] = None,
    format: Annotated[Literal["json", "csv"] | None, Query(description="Overrides `Accept`.")] = None,
) -> GradesPage | Response:
    """Every learner who attempted the set: score, maximum, points per problem, LTI identity. Scope: `grades:read`.

    JSON by default (paginated); CSV, with every learner, for `Accept: text/csv` or `?format=csv`.
    """
    problems = [spec for spec in bank if spec.set == set_id]
    if not problems:
        raise HTTPException(404, f"No problem set {set_id!r}.")
    if format == "csv" or (format is None and wants_csv(request.headers.get("accept", ""))):
        return grades_csv(set_id, problems, all_rows(repo, problems))
    page, more = grade_page(repo.session, [p.id for p in problems], cursor, limit)
    next_url = None
    if more:
        next_url = str(request.url.include_query_params(cursor=page[-1].learner_id, limit=limit))
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return GradesPage(
        set=set_id,
        problems=[ProblemColumn(id=p.id, title=p.title, max_score=_points([p])) for p in problems],
        max_score=_points(problems),
        rows=[grade_row(scores, problems) for scores in page],
        next=next_url,
    )
