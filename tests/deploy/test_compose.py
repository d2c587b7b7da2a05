"""deploy/compose.yaml (not runnable here: no Docker engine) says what deploy/local-cluster does: three instances
that share PostgreSQL, Redis and one secret, migrated once before they start, behind nginx."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_compose_runs_the_local_clusters_topology() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "app", "nginx"}
    app = services["app"]
    assert app["deploy"]["replicas"] == 3
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"] == ["quizzes", "migrate"]
    environment = app["environment"]
    assert (environment["QUIZ_SCALE_OUT"], environment["QUIZ_MIGRATE_ON_START"]) == ("1", "0")
    assert services["nginx"]["volumes"] == ["./nginx.conf:/etc/nginx/nginx.conf:ro"]
    assert "server app:8000;" in (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    script = (DEPLOY / "local-cluster").read_text(encoding="utf-8")
    for name, value in environment.items():
        if name not in ("QUIZ_DATABASE_URL", "QUIZ_REDIS_URL", "QUIZ_SECRET_KEY", "QUIZ_WORKERS"):
            assert f'"{name}": "{value}"' in script  # the script sets the same switches


def test_the_compose_settings_are_valid_scale_out_settings() -> None:
    environment = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]["app"][
        "environment"
    ]
    settings = Settings(
        database_url=environment["QUIZ_DATABASE_URL"],
        redis_url=environment["QUIZ_REDIS_URL"],
        scale_out=environment["QUIZ_SCALE_OUT"] == "1",
        migrate_on_start=environment["QUIZ_MIGRATE_ON_START"] == "1",
        workers=int(environment["QUIZ_WORKERS"]),
    )
    assert settings.scale_out and not settings.migrate_on_start
