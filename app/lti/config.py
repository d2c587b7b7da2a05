"""Platform registrations as data: the platforms file (TOML or YAML, `QUIZ_LTI_PLATFORMS_FILE`) and what
`quizzes lti add-platform` takes, validated once into pydantic models.

```toml
[[platforms]]
name = "Canvas (Example University)"
issuer = "https://canvas.instructure.com"
client_id = "10000000000042"
auth_login_url = "https://sso.canvaslms.com/api/lti/authorize_redirect"
auth_token_url = "https://sso.canvaslms.com/login/oauth2/token"
jwks_url = "https://sso.canvaslms.com/api/lti/security/jwks"
deployments = ["1:4dde05e8ca1973bcca9bffc13e1548820eee93a3", {id = "7:0f3e", grade_policy = "latest"}]
```
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

GradePolicy = Literal["best", "latest"]
GRADE_POLICIES: tuple[str, ...] = ("best", "latest")


class PlatformFileError(ValueError):
    """The platforms file cannot be read or is not valid; the message names the file and the field."""


class DeploymentConfig(BaseModel):
    """A deployment id, with an optional grading policy (for the whole deployment and per problem set)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=255)
    grade_policy: GradePolicy | None = None
    set_grade_policies: dict[str, GradePolicy] = Field(default_factory=dict)


class PlatformConfig(BaseModel):
    """One registration of the tool in an LMS. Canvas uses one issuer for every customer: a registration is
    issuer + client id, and launches must also name one of its deployments."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    issuer: str = Field(min_length=1, max_length=255)
    client_id: str = Field(min_length=1, max_length=255)
    auth_login_url: str = Field(min_length=1, max_length=2000)
    auth_token_url: str = Field(min_length=1, max_length=2000)
    jwks_url: str = Field(min_length=1, max_length=2000)
    token_audience: str | None = Field(
        None, max_length=2000, description="`aud` of the token request's assertion; default: auth_token_url."
    )
    deployments: list[DeploymentConfig] = Field(min_length=1)

    @field_validator("deployments", mode="before")
    @classmethod
    def _plain_ids(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str | int) else item for item in value]
        return value

    @field_validator("auth_login_url", "auth_token_url", "jwks_url", "token_audience")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value


class PlatformsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platforms: list[PlatformConfig] = Field(default_factory=list)


def load_platforms_file(path: Path) -> list[PlatformConfig]:
    """The registrations in `path` (`.toml`, `.yaml` or `.yml`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlatformFileError(f"{path}: cannot read the LTI platforms file: {error.strerror or error}") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise PlatformFileError(f"{path}: not valid {path.suffix.lstrip('.').upper()}: {error}") from None
    try:
        return PlatformsFile.model_validate(data or {}).platforms
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors())
        raise PlatformFileError(f"{path}: {problems}") from None
