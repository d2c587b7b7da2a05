"""A set's grades: JSON pages followed through `next`, and a CSV a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from app.api.grades import spreadsheet_number, spreadsheet_text, wants_csv
from app.engine.verdict import Verdict
from app.storage import Repository
from tests.api.conftest import Api

SET = "c147-w23-midterm"
GRADES = f"/api/v1/sets/{SET}/grades"
PROBLEMS = ["c147-w23-1", "c147-w23-2", "c147-w23-3", "c147-w23-4", "c147-w23-5"]
HEADER = ["learner_id", "display_name", "lti_issuer", "lti_subject", "score", "max_score", *PROBLEMS]
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
QUOTED_NAME = 'Zoë "Z", Jr.'


@pytest.fixture(scope="module")
def roster(api: Api) -> dict[str, str]:
    """Seven learners with counted attempts (one through the API), one with only an unreadable answer."""
    headers = api.auth("submit")
    named = api.client.post("/api/v1/learners", json={"display_name": FORMULA_NAME}, headers=headers).json()["id"]
    body = {"learner_id": named, "problem_id": "c147-w23-2", "answers": {"delta_W1": "delta_b1 @ x.T"}}
    assert api.client.post("/api/v1/submissions", json=body, headers={**headers, "Idempotency-Key": "g1"}).is_success
    ids = {"formula": named}
    with api.session() as session:
        repo = Repository(session)
        best = repo.get_or_create_learner()
        best.display_name = QUOTED_NAME
        session.commit()
        ids["best"] = best.id
        for part, score in [("b1_shape", 1.0), ("b1_shape", 0.0), ("delta_W1", 1.0)]:
            verdict = Verdict.correct() if score else Verdict.incorrect("No.")
            repo.record_attempt(best.id, "c147-w23-2", part, 0, "…", verdict, True)
        repo.record_attempt(
            best.id, "c147-w23-1", "initialization", 0, ["A"], Verdict.incorrect("No.", score=0.5), True
        )
        lti = repo.learner_by_lti("https://canvas.example.edu", "-42")
        assert lti is not None
        lti.display_name = "@SUM(1+1)"
        session.commit()
        ids["lti"] = lti.id
        repo.record_attempt(lti.id, "c147-w23-5", "velocity_covariance", 0, "0", Verdict.incorrect("No."), True)
        for n in range(4):
            other = repo.get_or_create_learner().id
            repo.record_attempt(other, "c147-w23-3", "ensembling", 0, f"answer {n}", Verdict.incorrect("No."), True)
        idle = repo.get_or_create_learner().id
        repo.record_attempt(idle, "c147-w23-2", "delta_W1", 0, "(", Verdict.invalid("Unreadable."), False)
        ids["idle"] = idle
    return ids


@pytest.fixture(scope="module")
def reader(api: Api) -> dict[str, str]:
    return api.auth("grades:read")


def test_json_pages_follow_next_through_every_learner_once(api: Api, roster: dict[str, str], reader: dict) -> None:
    url, rows, sizes = f"{GRADES}?limit=3", [], []
    while url:
        response = api.client.get(url, headers=reader)
        assert response.status_code == 200
        page = response.json()
        assert [p["id"] for p in page["problems"]] == PROBLEMS and page["max_score"] == 107.0
        sizes.append(len(page["rows"]))
        rows += page["rows"]
        url = page["next"]
        assert (response.headers.get("link") is None) == (url is None)
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"' and "limit=3" in url
    assert sizes == [3, 3, 1]
    ids = [row["learner_id"] for row in rows]
    assert ids == sorted(ids) and len(set(ids)) == 7 and roster["idle"] not in ids


def test_a_row_has_the_best_counted_score_per_problem_and_the_lti_identity(
    api: Api, roster: dict[str, str], reader: dict
) -> None:
    rows = {row["learner_id"]: row for row in api.client.get(f"{GRADES}?limit=500", headers=reader).json()["rows"]}
    best = rows[roster["best"]]
    assert best["problems"] == {"c147-w23-1": 2.5, "c147-w23-2": 4.0, "c147-w23-3": 0.0, "c147-w23-4": 0.0,
                                "c147-w23-5": 0.0}  # fmt: skip
    assert (best["score"], best["max_score"], best["display_name"]) == (6.5, 107.0, QUOTED_NAME)
    lti = rows[roster["lti"]]
    assert (lti["lti_issuer"], lti["lti_subject"], lti["score"]) == ("https://canvas.example.edu", "-42", 0.0)
    assert rows[roster["formula"]]["problems"]["c147-w23-2"] == 3.0


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "cursor=zz", "format=xml"])
def test_bad_paging_is_422(api: Api, reader: dict, query: str) -> None:
    response = api.client.get(f"{GRADES}?{query}", headers=reader)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"


def test_an_unknown_set_is_404(api: Api, reader: dict) -> None:
    assert api.client.get("/api/v1/sets/no-such-set/grades", headers=reader).status_code == 404


@pytest.mark.parametrize(("how", "extra"), [("accept", {"Accept": "text/csv"}), ("query", {})])
def test_the_csv_opens_in_a_spreadsheet(api: Api, roster: dict[str, str], reader: dict, how: str, extra: dict) -> None:
    response = api.client.get(
        f"{GRADES}?limit=2" + ("&format=csv" if how == "query" else ""), headers={**reader, **extra}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{SET}-grades.csv"'
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")[1:]
    assert text.endswith("\r\n") and text.count("\n") == text.count("\r\n") == 1 + 7  # header and every learner
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    by_id = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert len(by_id) == 7 and set(roster.values()) - {roster["idle"]} <= set(by_id)
    assert by_id[roster["formula"]]["display_name"] == "'" + FORMULA_NAME
    assert (by_id[roster["lti"]]["display_name"], by_id[roster["lti"]]["lti_subject"]) == ("'@SUM(1+1)", "'-42")
    best = by_id[roster["best"]]
    assert (best["display_name"], best["score"], best["max_score"], best["c147-w23-2"]) == (
        QUOTED_NAME,
        "6.5",
        "107",
        "4",
    )
    line = next(line for line in text.split("\r\n") if line.startswith(roster["best"]))
    assert line.endswith(",6.5,107,2.5,4,0,0,0")  # numbers unquoted


def test_csv_only_when_preferred(api: Api, reader: dict) -> None:
    response = api.client.get(GRADES, headers={**reader, "Accept": "application/json, text/csv;q=0.5"})
    assert response.headers["content-type"] == "application/json"
    forced = api.client.get(f"{GRADES}?format=json", headers={**reader, "Accept": "text/csv"})
    assert forced.headers["content-type"] == "application/json"


@pytest.mark.parametrize(("accept", "csv_wanted"), [
    ("text/csv", True), ("text/csv;q=0.9, application/json;q=0.8", True), ("*/*", False), ("", False),
    ("application/json, text/csv;q=0.5", False), ("text/csv;q=0", False), ("text/csv;q=x", False),
    ("text/html,application/xhtml+xml,*/*;q=0.8", False),
])  # fmt: skip
def test_accept_negotiation(accept: str, csv_wanted: bool) -> None:
    assert wants_csv(accept) is csv_wanted


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("Ada", "Ada"), ("a=b", "a=b"), (None, ""), ("", ""),
    (" =1+1", "' =1+1"), ("  +1", "'  +1"), ("\n-1", "'\n-1"), ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"), (" Ada", " Ada"),
])  # fmt: skip
def test_text_cells_never_start_a_formula(value: str | None, cell: str) -> None:
    assert spreadsheet_text(value) == cell


@pytest.mark.parametrize(("value", "cell"), [(3.0, "3"), (2.5, "2.5"), (0.0, "0"), (2 / 3, "0.6667"), (107, "107")])
def test_numbers_are_plain(value: float, cell: str) -> None:
    assert spreadsheet_number(value) == cell


def test_grades_need_their_scope(api: Api) -> None:
    assert api.client.get(GRADES, headers=api.auth("submit", "progress:read")).status_code == 403
    assert api.client.get(GRADES).status_code == 401
    assert uuid.UUID(hex=api.client.post("/api/v1/learners", json={}, headers=api.auth("submit")).json()["id"])
