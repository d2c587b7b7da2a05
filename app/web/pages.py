"""The student pages: home, set, problem (with answer forms that work with and without JavaScript)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app.bank.models import ProblemSpec
from app.deps import (
    AfterSubmitDep,
    BankDep,
    KnownLearnerDep,
    LearnerDep,
    NowDep,
    PracticeDep,
    ProblemDep,
    RepoDep,
    in_one_trip,
)
from app.engine.verdict import Verdict
from app.grading import Grading
from app.practice import attempt_budgets
from app.scoring import set_points
from app.solution_policy import part_policy, set_policy
from app.storage import variants
from app.storage.drafts import drafts_for, keep_drafts
from app.storage.grading import GradeRefused
from app.storage.repository import Repository
from app.storage.scores import give_up, learner_part_scores
from app.throttle import ThrottledClient
from app.web.csrf import check_form_token
from app.web.form_tokens import FirstPostDep, FormTokenDep
from app.web.forms import EDITED_PART, EVERY_PART, FormError, answers_from_form, drafts_to_keep, parts_to_check
from app.web.templating import render
from app.web.views import deadline, problem_view

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_form_token)])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, bank: BankDep, repo: RepoDep, learner: LearnerDep) -> Response:
    sets = []
    for set_id, problems in set_points(bank).items():
        progress = repo.problem_progress(learner, problems)
        earned = sum(p.score for p in progress.values())
        total = sum(sum(parts.values()) for parts in problems.values())
        done = sum(1 for p in progress.values() if p.status == "done")
        sets.append({"id": set_id, "title": bank.set_spec(set_id).title, "problems": len(problems), "done": done,
                     "score": earned, "max": total})  # fmt: skip
    return render(request, "home.html", {"sets": sets})


@router.get("/sets/{set_id}", response_class=HTMLResponse)
def problem_set(
    set_id: str, request: Request, bank: BankDep, repo: RepoDep, learner: LearnerDep, now: NowDep
) -> Response:
    problems = [p for p in bank if p.set == set_id]
    if not problems:
        raise HTTPException(404, f"No problem set {set_id!r}.")
    progress = repo.problem_progress(learner, set_points(bank)[set_id])
    rows = [{"problem": p, "progress": progress.get(p.id)} for p in problems]
    spec = bank.set_spec(set_id)
    context = {"set_id": set_id, "spec": spec, "rows": rows, "deadline": deadline(spec, now),
               "policy_words": set_policy(spec).words()}  # fmt: skip
    return render(request, "set.html", context)


@router.get("/problems/{problem_id}", response_class=HTMLResponse)
def problem_page(
    problem: ProblemDep,
    request: Request,
    bank: BankDep,
    repo: RepoDep,
    learner: KnownLearnerDep,
    now: NowDep,
    drafts: str | None = None,
) -> Response:
    seed = repo.seed_for(learner, problem.id)
    summaries = repo.part_summaries(learner, problem.id, seed)
    hints = {part.id: repo.hints_revealed(learner, problem.id, part.id) for part in problem.parts}
    drafts_now = drafts_for(repo.session, learner, problem.id, seed)
    budgets = attempt_budgets(repo, learner, problem.id)
    scores = learner_part_scores(repo.session, learner, [problem.id])
    set_spec = bank.set_spec(problem.set)
    view = problem_view(
        problem, seed, summaries, hints, budgets=budgets, drafts=drafts_now, scores=scores, set_spec=set_spec, now=now
    )
    context = {
        "view": view, "seed": seed, "learner_key": learner_key(learner), "drafts_saved": drafts == "saved",
        "set_title": set_spec.title, "deadline": view.deadline, "policy_words": view.policy_words,
        "variant": variants.label_of(repo.session, learner, problem.id, seed),
    }  # fmt: skip
    return render(request, "problem.html", context)


@router.get("/problems/{problem_id}/variants", response_class=HTMLResponse)
def variant_choice(problem: ProblemDep, request: Request, repo: RepoDep, learner: KnownLearnerDep) -> Response:
    """Leaving the current variant, confirmed: fresh numbers, or back to a variant started before."""
    seed = repo.seed_for(learner, problem.id)
    context = {
        "problem": problem, "current": variants.label_of(repo.session, learner, problem.id, seed),
        "history": variants.history(repo.session, learner, problem.id),
    }  # fmt: skip
    return render(request, "variants.html", context)


def learner_key(learner_id: str) -> str:
    """Names the learner's drafts in the browser's storage without showing the id the cookie signs."""
    return hashlib.blake2b(learner_id.encode(), digest_size=8).hexdigest()


def back_to(problem_id: str, anchor: str = "", query: str = "") -> RedirectResponse:
    url = f"/problems/{problem_id}{'?' + query if query else ''}{'#' + anchor if anchor else ''}"
    return RedirectResponse(url, status_code=303)


@dataclass(frozen=True)
class Posted:
    """A post of the problem page: every part's fields, and what the page showed (drafts over last answers)."""

    seed: int
    answers: dict[str, Any]
    last_answers: dict[str, Any]
    shown: dict[str, Any]


def read_post(repo: Repository, learner: str, problem: ProblemSpec, form: FormData) -> Posted:
    repo.get_or_create_learner(learner)
    seed = repo.seed_for(learner, problem.id)
    last = {pid: s.last_answer for pid, s in repo.part_summaries(learner, problem.id, seed).items()}
    shown = {**last, **drafts_for(repo.session, learner, problem.id, seed)}
    repo.release()
    return Posted(seed, answers_from_form(form, problem.parts), last, shown)


async def read_post_or_422(repo: Repository, learner: str, problem: ProblemSpec, form: FormData) -> Posted:
    """The post read in one trip to a thread; a field the page never sends is refused before any work."""
    try:
        return await run_in_threadpool(read_post, repo, learner, problem, form)
    except FormError as error:
        raise HTTPException(422, error.message) from None


def keep_unchecked(repo: Repository, learner: str, problem: ProblemSpec, posted: Posted, checked: list[str]) -> None:
    drafts = drafts_to_keep(posted.answers, posted.last_answers, checked)
    keep_drafts(repo.session, learner, problem.id, posted.seed, drafts, cleared=[p.id for p in problem.parts])


@router.post("/problems/{problem_id}")
async def submit(
    problem: ProblemDep,
    request: Request,
    practice: PracticeDep,
    repo: RepoDep,
    learner: LearnerDep,
    token: FormTokenDep,
    _: ThrottledClient,
) -> Response:
    """Check one part (its button `part=<id>`; Enter without JavaScript: `part=edited`) or every answered part
    (`part=*`); every other part's fields are kept as drafts. Then show the page again. The form's token keys the
    attempts, so the same post sent twice is counted once."""
    form = await request.form()
    target = str(form.get("part", EVERY_PART))
    if target not in (EVERY_PART, EDITED_PART) and target not in {p.id for p in problem.parts}:
        raise HTTPException(422, f"No part {target!r} in this problem.")
    posted = await read_post_or_422(repo, learner, problem, form)
    to_check = parts_to_check(target, posted.answers, posted.shown)
    answers = {pid: posted.answers[pid] for pid in to_check}
    submission = await practice.submit(learner, problem, answers, seed=posted.seed, idempotency_key=token)
    verdicts = submission.verdicts
    recorded = [pid for pid, v in verdicts.items() if v.reason != "no_attempts"]  # a refused answer stays a draft
    await in_one_trip(repo, lambda: keep_unchecked(repo, learner, problem, posted, recorded))
    if target == EDITED_PART and not to_check:
        return back_to(problem.id, query="drafts=saved")
    anchor = f"part-{to_check[0]}" if len(to_check) == 1 and target != EVERY_PART else ""
    return back_to(problem.id, anchor)


@router.post("/problems/{problem_id}/variant")
async def change_variant(
    problem: ProblemDep, request: Request, repo: RepoDep, learner: LearnerDep, first: FirstPostDep
) -> Response:
    """A new variant (fresh numbers), or with `seed` back to one the learner started before (answers kept)."""
    if not first:
        return back_to(problem.id)  # the same form sent again: its variant was drawn already
    seed = (await request.form()).get("seed")

    def change() -> None:
        repo.get_or_create_learner(learner)
        repo.seed_for(learner, problem.id)
        if seed is None:
            variants.remember(repo.session, learner, problem.id, repo.new_variant(learner, problem.id))
        elif not str(seed).isdigit() or not variants.go_back(repo.session, learner, problem.id, int(str(seed))):
            raise HTTPException(422, "That is not one of your variants of this problem.")

    await in_one_trip(repo, change)
    return back_to(problem.id)


async def form_and_part(request: Request, problem: ProblemSpec) -> tuple[FormData, str]:
    """The posted form and the part it names (`part=<id>`), which must be one of the problem's."""
    form = await request.form()
    part = str(form.get("part", ""))
    if part not in {p.id for p in problem.parts}:
        raise HTTPException(422, f"No part {part!r} in this problem.")
    return form, part


@router.post("/problems/{problem_id}/hint")
async def hint(
    problem: ProblemDep, request: Request, repo: RepoDep, learner: LearnerDep, first: FirstPostDep
) -> Response:
    """Reveal the next hint of `part`; every part's fields (this one's too) are kept as drafts."""
    form, part = await form_and_part(request, problem)
    if not first:
        return back_to(problem.id, f"part-{part}")  # the same form sent again: that hint is shown already
    posted = await read_post_or_422(repo, learner, problem, form)

    def reveal() -> int:
        keep_unchecked(repo, learner, problem, posted, [])
        return repo.reveal_hint(learner, problem.id, part)

    await in_one_trip(repo, reveal)
    return back_to(problem.id, f"part-{part}")


@router.post("/problems/{problem_id}/self-assess")
async def self_assess(
    problem: ProblemDep, request: Request, repo: RepoDep, learner: LearnerDep, hooks: AfterSubmitDep
) -> Response:
    """Grade one's own free-text answer by ticking the rubric items it covers (after seeing the model answer)."""
    form, part = await form_and_part(request, problem)
    posted = await read_post_or_422(repo, learner, problem, form)
    await in_one_trip(repo, lambda: keep_unchecked(repo, learner, problem, posted, []))
    ticked = form.getlist(f"rubric.{part}")
    if not all(str(t).isdigit() for t in ticked):
        raise HTTPException(422, "Tick items of the rubric shown.")
    try:
        await Grading(repo, hooks).self_assess(learner, problem, part, {int(str(t)) for t in ticked})
    except GradeRefused as refused:
        raise HTTPException(409, str(refused)) from refused
    return back_to(problem.id, f"part-{part}")


@router.post("/problems/{problem_id}/give-up")
async def show_solution(
    problem: ProblemDep,
    request: Request,
    repo: RepoDep,
    learner: LearnerDep,
    hooks: AfterSubmitDep,
    bank: BankDep,
    now: NowDep,
) -> Response:
    """Show a part's solution on request (when its policy allows it, before the due date): recorded as a give-up,
    forfeiting its points."""
    form = await request.form()
    part_id = str(form.get("part", ""))
    part = next((p for p in problem.parts if p.id == part_id), None)
    policy = part_policy(part, bank.set_spec(problem.set)) if part is not None else None
    if part is None or policy is None or not policy.on_request or not part.has_solution():
        raise HTTPException(422, f"Part {part_id!r} of this problem does not offer its solution on request.")
    if policy.past_due(now):
        raise HTTPException(422, "The due date has passed: the solution shows by the set's policy, not on request.")
    posted = await read_post_or_422(repo, learner, problem, form)

    def forfeit_part() -> None:
        keep_unchecked(repo, learner, problem, posted, [])
        give_up(repo.session, learner, problem.id, part.id, posted.seed)

    await in_one_trip(repo, forfeit_part)
    forfeit = Verdict.incorrect("Solution shown on request: the part's points are forfeited.", "gave_up")
    for hook in hooks:  # the LMS hears of the lost points
        await hook(learner, problem, {part.id: forfeit})
    return back_to(problem.id, f"part-{part.id}")
