"""Rendering pages from ``templates/web/``: whole pages, or one block of one for htmx swaps.

Autoescaping is on for every template: mention text, names and links from the internet are
data. ``render`` adds what every page needs (who is asking, the CSRF token, the nav).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2_fragments.fastapi import Jinja2Blocks

from listener.sources.registry import byline_parts
from listener.web.display import NO_ACCOUNT_NOTE, author_page_path, humanise

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO_ROOT / "templates" / "web"
STATIC_DIR = REPO_ROOT / "static"

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
templates.env.autoescape = True
# One spelling of names and one author link for every template (listener.web.display).
templates.env.filters["humanise"] = humanise
templates.env.globals["author_page"] = author_page_path
templates.env.globals["no_account_note"] = NO_ACCOUNT_NOTE
# A feed byline's handle (name-slug@site) is shown as a name and a site, not an address.
templates.env.globals["byline_parts"] = byline_parts


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``name`` (or only its ``block`` when htmx asks for a part of the page)."""
    page = {
        "principal": getattr(request.state, "principal", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        **context,
    }
    response = templates.TemplateResponse(
        request, name, page, status_code=status_code, block_name=block
    )
    assert isinstance(response, HTMLResponse)
    return response
