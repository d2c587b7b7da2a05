"""Storage: learners, their variants, attempts and hints in SQLite (default, WAL) or PostgreSQL.

At start-up: `engine = make_engine(url)`, then `migrate(engine)` and `sessions = session_factory(engine)`;
per request: `Repository(session)` on a session from `sessions()`.
"""

# Every module that declares tables is imported here, so Base.metadata (and Alembic) sees all of them.
from app.storage import api_keys, form_posts, instructor_sessions, leases, lti  # noqa: F401
from app.storage.db import make_engine, migrate, session_factory
from app.storage.models import Assignment, Attempt, Base, HintReveal, Learner
from app.storage.repository import PartSummary, ProblemProgress, Repository
from app.storage.statistics import PartStats, WrongAnswer

__all__ = [
    "Assignment",
    "Attempt",
    "Base",
    "HintReveal",
    "Learner",
    "PartStats",
    "PartSummary",
    "ProblemProgress",
    "Repository",
    "WrongAnswer",
    "make_engine",
    "migrate",
    "session_factory",
]
