"""The LTI 1.3 vocabulary this tool reads and writes: claim names, message types, roles, and what a verified
launch says, as a typed record (`LaunchClaims`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

LTI_VERSION = "1.3.0"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"

# Custom parameters the tool puts on the links it creates (deep linking), and reads back at launch.
CUSTOM_SET = "quiz_set"
CUSTOM_PROBLEM = "quiz_problem"

# Context roles (and institution / system administrators) that see the instructor view. Sub-roles such as
# `membership/Instructor#TeachingAssistant` count as their principal role.
_TEACHING = {"Instructor", "Administrator", "ContentDeveloper"}
_ROLE = re.compile(
    r"^http://purl\.imsglobal\.org/vocab/lis/v2/"
    r"(?:membership(?:/(?P<principal>\w+))?#(?P<role>\w+)|(?:institution|system)/person#(?P<person>\w+))\Z",
    re.ASCII,
)  # \Z, not $: `$` also matches before a final newline, so `…#Instructor\n` would count as an instructor
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"  # Canvas Student View
_TARGET_PATH = re.compile(r"/(?P<kind>sets|problems)/(?P<id>[^/?#\s]+)/?\Z")


def is_teaching_role(roles: list[str]) -> bool:
    """Whether the roles open the instructor view. The context (membership) roles decide; an institution or system
    Administrator counts only when the launch carries no context role. Learners, test users and unknown roles get
    the student view."""
    context_roles: list[str] = []
    administrator = False
    for role in roles:
        match = _ROLE.match(role)
        if role in _TEACHING or role == "Learner":  # the short form the core spec still allows for context roles
            context_roles.append(role)
        elif match is not None and match["role"]:
            context_roles.extend(r for r in (match["principal"], match["role"]) if r)
        elif match is not None:
            administrator = administrator or match["person"] == "Administrator"
    if context_roles:
        return any(role in _TEACHING for role in context_roles)
    return administrator


@dataclass(frozen=True)
class AgsEndpoint:
    """The grade service claim: where scores go (`lineitem`), where line items live, and what we may do."""

    lineitem: str | None
    lineitems: str | None
    scopes: tuple[str, ...]

    @classmethod
    def parse(cls, claim: Any) -> AgsEndpoint | None:
        if not isinstance(claim, dict):
            return None
        scopes = tuple(s for s in claim.get("scope", []) if isinstance(s, str))
        lineitem, lineitems = claim.get("lineitem"), claim.get("lineitems")
        return cls(
            lineitem if isinstance(lineitem, str) and lineitem else None,
            lineitems if isinstance(lineitems, str) and lineitems else None,
            scopes,
        )


@dataclass(frozen=True)
class LaunchClaims:
    """What a verified id_token says that this tool uses. Absent optional claims (a Canvas test student has no
    email or name) are simply None."""

    issuer: str
    client_id: str
    subject: str
    deployment_id: str
    message_type: str
    roles: list[str]
    target_link_uri: str
    resource_link_id: str | None = None
    context_id: str | None = None
    name: str | None = None
    custom: dict[str, str] = field(default_factory=dict)
    ags: AgsEndpoint | None = None
    deep_linking: dict[str, Any] | None = None

    @property
    def is_instructor(self) -> bool:
        return is_teaching_role(self.roles)

    @property
    def is_test_user(self) -> bool:
        return TEST_USER in self.roles

    def target(self) -> tuple[str, str] | None:
        """(`set` | `problem`, id) from the custom parameters, else from the target link's path."""
        if self.custom.get(CUSTOM_PROBLEM):
            return "problem", self.custom[CUSTOM_PROBLEM]
        if self.custom.get(CUSTOM_SET):
            return "set", self.custom[CUSTOM_SET]
        match = _TARGET_PATH.search(urlsplit(self.target_link_uri).path)
        if match is None:
            return None
        return ("set" if match["kind"] == "sets" else "problem"), match["id"]

    @classmethod
    def from_payload(cls, payload: dict[str, Any], client_id: str) -> LaunchClaims:
        """Read a verified payload; the checks (signature, audience, nonce, version…) are `app.lti.launch`'s."""
        link, context, custom = (_dict(payload.get(name)) for name in (RESOURCE_LINK, CONTEXT, CUSTOM))
        roles = payload.get(ROLES) or []
        return cls(
            issuer=str(payload["iss"]),
            client_id=client_id,
            subject=str(payload["sub"]),
            deployment_id=str(payload.get(DEPLOYMENT_ID, "")),
            message_type=str(payload.get(MESSAGE_TYPE, "")),
            roles=[r for r in roles if isinstance(r, str)] if isinstance(roles, list) else [],
            target_link_uri=str(payload.get(TARGET_LINK_URI) or ""),
            resource_link_id=str(link["id"]) if link.get("id") else None,
            context_id=str(context["id"]) if context.get("id") else None,
            name=str(payload["name"]) if payload.get("name") else None,
            custom={str(k): str(v) for k, v in custom.items() if v is not None},
            ags=AgsEndpoint.parse(payload.get(AGS_ENDPOINT)),
            deep_linking=_dict(payload.get(DL_SETTINGS)) or None,
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
