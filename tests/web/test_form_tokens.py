"""The hidden idempotency token of every form: the same form post sent twice (a reload, the back button, a retry
after a crash) counts once; a fresh page gives fresh tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.storage import Attempt, HintReveal
from tests.forms import form_tokens

PROBLEM = "c147-w23-2"
TOKEN = re.compile(r'<input type="hidden" name="form_token" value="([^"]+)">')


def tokens(client: TestClient) -> list[str]:
    page = client.get(f"/problems/{PROBLEM}")
    assert page.status_code == 200
    return TOKEN.findall(page.text)


def send(client: TestClient, url: str, data: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    """Post as the page's form does: with its CSRF token (tests/forms.py) beside the idempotency token under test."""
    return client.post(url, data={**form_tokens(client, f"/problems/{PROBLEM}"), **data}, **kwargs)  # type: ignore[arg-type]


def learner_rows(client: TestClient, query) -> int:  # type: ignore[no-untyped-def]
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return int(session.scalar(query))


def fresh_learner(client: TestClient) -> str:
    client.cookies.clear()
    client.get("/")
    return client.app.state.signer.learner(client.cookies["quiz_learner"])  # type: ignore[attr-defined]


def test_every_post_form_carries_a_token_and_each_page_gives_new_ones(client: TestClient) -> None:
    fresh_learner(client)
    first, second = tokens(client), tokens(client)
    assert len(first) == 2  # the variant form and the answers form
    assert len(set(first + second)) == 4


def test_an_answers_post_sent_twice_is_checked_and_counted_once(client: TestClient) -> None:
    learner = fresh_learner(client)
    _, answers_token = tokens(client)
    post = {"form_token": answers_token, "part": "*", "a.b1_shape": "D_a1 x 1", "a.delta_W1": "x @ delta_b1.T"}
    for _ in range(2):
        sent = send(client, f"/problems/{PROBLEM}", post, follow_redirects=False)
        assert sent.status_code == 303
    attempts = select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner)
    assert learner_rows(client, attempts) == 2  # one per part, not four
    _, next_token = tokens(client)
    send(client, f"/problems/{PROBLEM}", {**post, "form_token": next_token})  # a new post from a new page
    assert learner_rows(client, attempts) == 4


def test_a_hint_post_sent_twice_reveals_one_hint(client: TestClient) -> None:
    learner = fresh_learner(client)
    _, token = tokens(client)
    for _ in range(2):
        send(client, f"/problems/{PROBLEM}/hint", {"form_token": token, "part": "delta_yhat"})
    revealed = select(HintReveal.revealed).where(HintReveal.learner_id == learner, HintReveal.part_id == "delta_yhat")
    assert learner_rows(client, revealed) == 1


def test_a_variant_post_sent_twice_draws_one_variant(client: TestClient) -> None:
    fresh_learner(client)
    variant_token, _ = tokens(client)
    send(client, f"/problems/{PROBLEM}/variant", {"form_token": variant_token})
    drawn = client.get(f"/problems/{PROBLEM}").text
    send(client, f"/problems/{PROBLEM}/variant", {"form_token": variant_token})
    again = client.get(f"/problems/{PROBLEM}").text
    seed = re.compile(r'data-seed="(\d+)"')
    assert seed.search(drawn).group(1) == seed.search(again).group(1) != "0"  # type: ignore[union-attr]


def test_a_post_without_a_token_still_works_and_a_damaged_one_is_refused(client: TestClient) -> None:
    fresh_learner(client)
    assert send(client, f"/problems/{PROBLEM}", {"part": "b1_shape", "a.b1_shape": "D_a1 x 1"}).status_code == 200
    damaged = send(client, f"/problems/{PROBLEM}", {"form_token": "<script>", "part": "*", "a.b1_shape": "1"})
    assert damaged.status_code == 422
    assert damaged.json()["detail"] == "This form is damaged; reload the page and send it again."
