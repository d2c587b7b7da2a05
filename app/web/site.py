"""Site-wide pages that are not about practice: the API docs served from local files (no CDN, so they render
offline) and the favicon."""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)
SWAGGER = "/static/vendor/swagger-ui"
DOCS_OAUTH_REDIRECT = "/docs/oauth2-redirect"


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI from local files, started by a script file (the Content-Security-Policy forbids inline ones)."""
    title = html.escape(f"{request.app.title} API")
    return HTMLResponse(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="{SWAGGER}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="{html.escape(str(request.app.openapi_url))}"
 data-oauth-redirect="{DOCS_OAUTH_REDIRECT}"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script><script src="/static/swagger-init.js"></script>
</body></html>""")


@router.get(DOCS_OAUTH_REDIRECT, response_class=HTMLResponse)
def api_docs_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/favicon.ico")
def favicon(request: Request) -> FileResponse:
    path = request.app.state.settings.static_dir / "favicon.svg"
    return FileResponse(path, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
