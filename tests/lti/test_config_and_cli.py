"""The platforms file (TOML or YAML) and `quizzes lti …`: registrations, keys and the outbox from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from app.cli import main
from app.lti import store
from app.lti.claims import LaunchClaims
from app.lti.config import PlatformFileError, load_platforms_file
from app.lti.grades import Score, enqueue
from app.settings import Settings, get_settings
from app.storage import Repository, make_engine, session_factory
from app.storage.lti import LtiGradePost
from tests.lti.conftest import NOW

TOML = """
[[platforms]]
name = "Canvas (Example University)"
issuer = "https://canvas.instructure.com"
client_id = "10000000000042"
auth_login_url = "https://sso.canvaslms.com/api/lti/authorize_redirect"
auth_token_url = "https://sso.canvaslms.com/login/oauth2/token"
jwks_url = "https://sso.canvaslms.com/api/lti/security/jwks"
deployments = ["1:abc", {id = "7:def", grade_policy = "latest", set_grade_policies = {"c147-w23-midterm" = "best"}}]
"""
ADD = [
    "lti", "add-platform", "--issuer", "https://moodle.example.edu", "--client-id", "Xy12", "--deployment-id", "3",
    "--auth-login-url", "https://moodle.example.edu/mod/lti/auth.php",
    "--auth-token-url", "https://moodle.example.edu/mod/lti/token.php",
    "--jwks-url", "https://moodle.example.edu/mod/lti/certs.php", "--name", "Moodle",
]  # fmt: skip


def test_the_platforms_file_may_be_toml_or_yaml(tmp_path: Path) -> None:
    path = tmp_path / "platforms.toml"
    path.write_text(TOML, encoding="utf-8")
    (canvas,) = load_platforms_file(path)
    assert [(d.id, d.grade_policy, d.set_grade_policies) for d in canvas.deployments] == [
        ("1:abc", None, {}), ("7:def", "latest", {"c147-w23-midterm": "best"}),
    ]  # fmt: skip
    yaml_path = tmp_path / "platforms.yml"
    yaml_path.write_text(
        "platforms:\n  - {issuer: https://d2l.example.edu, client_id: abc, deployments: [x],\n"
        "     auth_login_url: https://d2l.example.edu/auth, auth_token_url: https://auth.brightspace.com/core/token,\n"
        "     jwks_url: https://d2l.example.edu/jwks, token_audience: https://api.brightspace.com/auth/token}\n",
        encoding="utf-8",
    )
    assert load_platforms_file(yaml_path)[0].token_audience == "https://api.brightspace.com/auth/token"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[platforms]]\nissuer = "https://x"\n', "platforms.0.client_id: Field required"),
        (TOML.replace('"1:abc", ', "").replace('"latest"', '"worst"'), "deployments.0.grade_policy: Input should be"),
        (TOML.replace("https://sso.canvaslms.com/api/lti/security/jwks", "ftp://x"), "jwks_url: Value error"),
        (TOML + "colour = 1\n", "colour: Extra inputs are not permitted"),
        ("[[platforms]\n", "not valid TOML"),
    ],
)
def test_a_wrong_platforms_file_names_the_file_and_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "platforms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlatformFileError, match=r"platforms\.toml: ") as error:
        load_platforms_file(path)
    assert message in str(error.value)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QUIZ_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_platforms_are_added_listed_and_removed_from_the_shell(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(ADD) == 0
    assert main([*ADD[:7], "4", *ADD[8:], "--grade-policy", "latest"]) == 0  # one more deployment
    assert main(["lti", "list"]) == 0
    out = capsys.readouterr().out
    assert "Moodle  issuer=https://moodle.example.edu  client_id=Xy12  (cli)" in out
    assert "deployment 3  policy=default" in out and "deployment 4  policy=latest" in out
    assert (
        main(["lti", "remove", "--issuer", "https://moodle.example.edu", "--client-id", "Xy12", "--deployment-id", "3"])
        == 0
    )
    assert main(["lti", "remove", "--issuer", "https://moodle.example.edu", "--client-id", "Xy12"]) == 0
    assert main(["lti", "remove", "--issuer", "https://moodle.example.edu", "--client-id", "Xy12"]) == 1
    capsys.readouterr()
    assert main(["lti", "list"]) == 0 and "No LTI platform is registered." in capsys.readouterr().out
    assert main([*ADD[:-4], "--jwks-url", "not-a-url"]) == 2
    assert "jwks_url: Value error, must be an http(s) URL" in capsys.readouterr().err


def test_rotate_key_from_the_shell(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lti", "keys"]) == 0
    (first,) = capsys.readouterr().out.split()[:1]
    assert main(["lti", "rotate-key", "--grace-hours", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("New signing key") and "signing" in lines[1] and lines[2].startswith(first)
    assert "retired" in lines[2]


def test_the_outbox_lists_failed_posts_and_queues_them_again(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(ADD) == 0
    engine = make_engine(f"sqlite:///{data_dir / 'quizzes.sqlite3'}")
    try:
        with session_factory(engine)() as session:
            platform = store.platform_by(session, "https://moodle.example.edu", "Xy12")
            assert platform is not None
            deployment = store.deployment(session, platform.id, "3")
            learner = Repository(session).learner_by_lti(platform.issuer, "sub-9")
            claims = LaunchClaims(platform.issuer, "Xy12", "sub-9", "3", "LtiResourceLinkRequest", [], "", "link-9")
            assert deployment is not None and learner is not None
            launch = store.record_launch(session, learner.id, deployment.id, claims, ("set", "s"), NOW)
            enqueue(session, launch, Score(3, 20, "InProgress"), NOW)
            session.execute(update(LtiGradePost).values(status="failed", tries=1, last_error="score post: HTTP 422"))
            session.commit()
    finally:
        engine.dispose()
    capsys.readouterr()
    assert main(["lti", "outbox"]) == 0
    out = capsys.readouterr().out
    assert "failed     Moodle 3 sub=sub-9 set s 3/20 tries=1 score post: HTTP 422" in out and "failed: 1" in out
    assert main(["lti", "outbox", "--retry-failed"]) == 0
    out = capsys.readouterr().out
    assert "Queued 1 failed post(s) again." in out and "pending: 1, failed: 0" in out


def test_docs_lti_md_names_every_lti_setting_and_its_example_file_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lti.md").read_text(encoding="utf-8")
    settings = [name for name in Settings.model_fields if name.startswith("lti_")]
    assert [name for name in settings if f"`QUIZ_{name.upper()}`" not in doc] == []
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "platforms.toml").write_text(example, encoding="utf-8")
    (canvas,) = load_platforms_file(tmp_path / "platforms.toml")
    assert canvas.deployments[1].set_grade_policies == {"c147-w23-midterm": "best"}
