"""One settings object for the whole service; every value can be set with a `QUIZ_` environment variable."""

from __future__ import annotations

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

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if self.database_url is None:
            self.database_url = f"sqlite:///{(self.data_dir / 'quizzes.sqlite3').as_posix()}"
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
