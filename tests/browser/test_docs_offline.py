"""The API documentation works offline: /docs (Swagger UI) and /redoc (ReDoc) load
every file from this server; a request anywhere else is blocked and recorded, and the
test fails if one was attempted."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest


def _offline(page, base_url: str) -> list[str]:
    """Abort every request that does not go to the test server; return the list that
    the aborted URLs are appended to."""
    ours = urlsplit(base_url).netloc
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != ours:
            outside.append(url)
            r.abort()
        else:
            r.continue_()

    page.context.route("**/*", route)
    return outside


@pytest.mark.parametrize("path, ready, text", [
    ("/docs", ".swagger-ui .opblock-tag", "decisions"),
    ("/redoc", "redoc-wrap, .redoc-wrap", "decisions"),
])
def test_docs_render_with_the_network_blocked(page, base_url, artifacts, path, ready, text):
    outside = _offline(page, base_url)
    failed: list[str] = []
    page.on("requestfailed", lambda req: failed.append(req.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_viewport_size({"width": 1200, "height": 1600})
    page.goto(base_url + path)
    page.wait_for_selector(ready, timeout=30_000)
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    page.screenshot(path=str(artifacts / f"docs{path.replace('/', '-')}.png"), full_page=False)
    assert outside == [], f"requests outside the server: {outside}"
    assert failed == [], f"failed requests: {failed}"
    assert errors == [], f"script errors or policy violations: {errors}"
    assert "/v1/decisions" in body or text in body.lower()
    assert "cooprules" in body


def test_swagger_ui_shows_the_endpoints(page, base_url):
    outside = _offline(page, base_url)
    page.goto(base_url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/v1/decisions" in p for p in paths), paths
    assert outside == []
