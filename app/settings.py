"""One settings object for the whole service; every value can be set with a `QUIZ_` environment variable."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUIZ_", env_file=".env", extra="ignore")

    problems_dir: Path = Field(Path("problems"), description="Folder of problem YAML files.")
    data_dir: Path = Field(Path("data"), description="Where the default SQLite database lives.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in data_dir.")
    dev: bool = Field(False, description="Reload problem files when they change, without a restart.")
    workers: int = Field(2, ge=1, le=64, description="Checking worker processes.")
    check_timeout: float = Field(2.0, gt=0, le=60, description="Seconds one check may take.")
    check_memory_mb: int = Field(1024, ge=128, description="Address-space limit of a checking worker.")
    queue_timeout: float = Field(10.0, gt=0, description="Seconds a check may wait for a free worker.")
    secret_key: str | None = Field(
        None, min_length=32, description="Signs learner cookies; default: generated once and kept in data_dir."
    )
    instructor_token: str | None = Field(
        None, min_length=12, description="Opens the instructor pages; unset, they are closed."
    )
    templates_dir: Path = Field(Path("templates"), description="Jinja2 page templates.")
    static_dir: Path = Field(Path("static"), description="Scripts, styles, fonts and KaTeX, served at /static.")
    secure_cookies: bool = Field(False, description="Mark cookies Secure (set behind HTTPS).")
    # -- REST API settings --
    # -- LTI settings --

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if self.database_url is None:
            self.database_url = f"sqlite:///{(self.data_dir / 'quizzes.sqlite3').as_posix()}"
        return self


def signing_key(settings: Settings) -> str:
    """The configured secret, or one generated on first start and kept (mode 0600) in the data folder."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
