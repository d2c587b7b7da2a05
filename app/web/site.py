"""Site-wide pages that are not about practice: the API docs served from local files (no CDN, so they render
offline) and the favicon."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)
SWAGGER = "/static/vendor/swagger-ui"
DOCS_OAUTH_REDIRECT = "/docs/oauth2-redirect"


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url="/favicon.ico",
        oauth2_redirect_url=DOCS_OAUTH_REDIRECT,
    )


@router.get(DOCS_OAUTH_REDIRECT, response_class=HTMLResponse)
def api_docs_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/favicon.ico")
def favicon(request: Request) -> FileResponse:
    path = request.app.state.settings.static_dir / "favicon.svg"
    return FileResponse(path, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
