"""One settings object for the whole service; every value can be set with a `QUIZ_` environment variable."""

from __future__ import annotations

import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32


class SecretKeyError(RuntimeError):
    """The cookie-signing secret is missing, empty, short or unshared: the app refuses to start."""


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
        None,
        min_length=MIN_SECRET_LENGTH,
        description="Signs cookies; default: generated once and kept in data_dir. Every host must share one.",
    )
    single_host: bool = Field(
        False, description="Only one host runs the app: with PostgreSQL, a secret generated in data_dir is allowed."
    )
    instructor_token: str | None = Field(
        None, min_length=12, description="Opens the instructor pages; unset, they are closed."
    )
    templates_dir: Path = Field(Path("templates"), description="Jinja2 page templates.")
    static_dir: Path = Field(Path("static"), description="Scripts, styles, fonts and KaTeX, served at /static.")
    secure_cookies: bool = Field(False, description="Mark cookies Secure (set behind HTTPS).")
    max_request_bytes: int = Field(
        256_000, ge=4096, le=100_000_000, description="Largest request body accepted (larger: 413)."
    )
    frame_ancestors: list[str] = Field(
        default_factory=list,
        description='Origins that may embed the tool besides the registered LMSs, JSON: ["https://*.instructure.com"].',
    )
    # -- REST API settings --
    api_rate_per_minute: float = Field(
        120, gt=0, le=100_000, description="Requests per minute an API key may sustain (token bucket refill)."
    )
    api_rate_burst: int = Field(30, ge=1, le=100_000, description="Requests an API key may make at once.")
    redis_url: str | None = Field(
        None, description="Redis shared by every app process for the API keys' rate limits; unset: per process."
    )
    redis_namespace: str = Field("quizzes", description="Prefix of this app's keys in Redis.")
    client_rate_per_minute: float = Field(
        30, gt=0, le=100_000, description="Checks, previews and answer posts per minute of one browser (no key)."
    )
    client_rate_burst: int = Field(30, ge=1, le=100_000, description="Of those, how many at once.")
    address_rate_per_minute: float = Field(
        600, gt=0, le=100_000, description="The same per IP address (a classroom may share one)."
    )
    address_rate_burst: int = Field(300, ge=1, le=100_000, description="Of those, how many at once.")
    login_rate_per_minute: float = Field(
        5, gt=0, le=100_000, description="Instructor token sign-ins per minute of one IP address."
    )
    login_rate_burst: int = Field(10, ge=1, le=100_000, description="Of those, how many at once.")
    # -- LTI settings --
    lti_platforms_file: Path | None = Field(
        None, description="TOML or YAML file of LTI 1.3 platforms (issuer, client id, deployments, endpoints)."
    )
    lti_tool_url: str | None = Field(
        None,
        pattern=r"^https://[^/?#\s]+(/[^?#\s]*)?$",
        description="Public https base URL of this tool for LTI; set it in production (else from the Host header).",
    )
    lti_grade_policy: str = Field(
        "best", pattern="^(best|latest)$", description="Which attempt of each part counts in LMS grades."
    )
    lti_set_grade_policies: dict[str, str] = Field(
        default_factory=dict, description='Per problem set policy, JSON: {"set-id": "latest"}.'
    )
    lti_clock_leeway: int = Field(30, ge=0, le=300, description="Seconds of clock skew allowed on LTI tokens.")
    lti_state_ttl: int = Field(600, ge=30, le=3600, description="Seconds between LTI login and launch.")
    lti_key_grace_hours: float = Field(
        72, ge=0, description="Hours a rotated-out tool key stays in /lti/jwks for platforms' caches."
    )
    lti_jwks_cache_seconds: int = Field(3600, ge=0, description="How long platforms' public keys are cached.")
    lti_http_timeout: float = Field(10, gt=0, le=120, description="Seconds per request to an LMS.")
    lti_outbox_poll_seconds: float = Field(
        30, ge=0, le=3600, description="Grade outbox drain interval (also woken after each attempt); 0: off."
    )
    lti_outbox_max_tries: int = Field(12, ge=1, le=100, description="Tries of a grade post before it fails.")
    # -- reliability and scale-out settings --
    migrate_on_start: bool = Field(
        True, description="Migrate the database when the app starts (under a lock); 0: run `quizzes migrate`."
    )
    scale_out: bool = Field(
        False,
        description="This instance is one of several behind one address (docs/deployment.md): requires a shared"
        " PostgreSQL and Redis, checked at start.",
    )

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if self.database_url is None:
            self.database_url = f"sqlite:///{(self.data_dir / 'quizzes.sqlite3').as_posix()}"
        return self

    @model_validator(mode="after")
    def _scale_out_shares_its_state(self) -> Settings:
        if not self.scale_out:
            return self
        problems = []
        if not str(self.database_url).startswith("postgresql"):
            problems.append("QUIZ_DATABASE_URL must be the PostgreSQL database every instance shares")
        if not self.redis_url:
            problems.append("QUIZ_REDIS_URL must be the Redis every instance shares (rate limits)")
        if problems:
            raise ValueError("QUIZ_SCALE_OUT=1 (several instances): " + "; ".join(problems) + ".")
        return self


def signing_key(settings: Settings) -> str:
    """The configured secret, or one generated on first start and kept (mode 0600) in the data folder.

    The file is written in full under a temporary name and then linked into place, which fails if another
    process got there first: every process, however many start at once, reads the same complete secret. A
    secret that is empty or short (say, a disk that was full at first start) is refused, never used.
    """
    if settings.secret_key is not None:
        return _long_enough(settings.secret_key.strip(), "QUIZ_SECRET_KEY")
    assert settings.database_url is not None  # filled in by the settings' validator
    if settings.database_url.startswith("postgresql") and not settings.single_host:
        raise SecretKeyError(
            "PostgreSQL is configured but QUIZ_SECRET_KEY is not: every host needs the same secret, or each "
            "one rejects the others' cookies. Set QUIZ_SECRET_KEY (32+ characters) on every host, or "
            "QUIZ_SINGLE_HOST=1 if only this host runs the app."
        )
    path = settings.data_dir / "secret_key"
    if not path.exists():
        _create_secret(path)
    return _long_enough(path.read_text(encoding="utf-8").strip(), str(path))


def _create_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48))
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)  # atomic and exclusive: never a partial file, never overwrites another's
    except FileExistsError:
        pass  # another process created it first: use that one
    finally:
        os.unlink(temporary)


def _long_enough(secret: str, where: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretKeyError(
            f"The secret in {where} is {'empty' if not secret else 'too short'}: it needs {MIN_SECRET_LENGTH}+ "
            "characters. Set QUIZ_SECRET_KEY, or delete the file to have a new one generated (signs everyone out)."
        )
    return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
