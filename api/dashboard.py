"""The dashboard: a static page at ``/`` that reads everything it shows from ``/graphql``.

The page needs the printed labels of the report format. Rather than copy them into JavaScript, ``/``
embeds them, taken from :mod:`loaders.canonical`, as a JSON block in the HTML, so there is one source.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from loaders.canonical import (
    CATEGORY_LABELS,
    COLUMN_LABELS,
    GROUP_LABELS,
    METRIC_LABELS,
    PROACTIVE_METRICS,
    RESULT_LABELS,
)

STATIC = Path(__file__).resolve().parent / "static"
_LABELS_MARK = "<!--LABELS-->"

# English secondary labels; the Chinese ones are the report format's own.
_COLUMN_EN = {
    "natural_person": "Natural person",
    "commercial_enterprise": "Commercial enterprise",
    "research_institution": "Research institution",
    "public_interest_org": "Public-interest org.",
    "legal_service_org": "Legal-service org.",
    "other_org": "Other",
    "total": "Total",
}
_GROUP_EN = {
    "review": "Administrative review",
    "litigation_direct": "Litigation without review",
    "litigation_after_review": "Litigation after review",
}
_RESULT_EN = {"upheld": "Upheld", "corrected": "Corrected", "other": "Other", "pending": "Pending", "total": "Total"}
_CATEGORY_EN = {
    "regulations": "Rules",
    "normative_documents": "Normative documents",
    "licensing": "Licensing",
    "other_services": "Other external services",
    "penalties": "Penalties",
    "enforcement": "Enforcement",
    "fees": "Fees",
    "procurement": "Central procurement",
}
_METRIC_EN = {
    "issued": "Issued",
    "repealed": "Repealed",
    "in_force": "In force",
    "decisions": "Decisions",
    "amount_10k_yuan": "Amount (10k yuan)",
    "made": "Newly made",
    "published": "Newly published",
    "total_published": "Total published",
    "previous_items": "Previous-year items",
    "change": "Change",
    "items": "Items",
    "amount": "Total amount",
}
# Agency kinds (loaders.agency_kind.KINDS) as people say them.
_KINDS = {
    "township": ("乡镇", "Township"),
    "street": ("街道", "Street office"),
    "county_government": ("县级政府", "County government"),
    "city_government": ("市级政府", "City government"),
    "province_government": ("省级政府", "Provincial government"),
    "department": ("部门", "Department"),
    "other": ("其他", "Other"),
}


def _pairs(zh: dict[str, str], en: dict[str, str]) -> dict[str, list[str]]:
    return {key: [label, en.get(key, key)] for key, label in zh.items()}


def labels() -> dict[str, object]:
    """Every label the page prints, as ``{key: [Chinese, English]}`` per vocabulary."""
    return {
        "columns": _pairs(COLUMN_LABELS, _COLUMN_EN),
        "groups": _pairs(GROUP_LABELS, _GROUP_EN),
        "results": _pairs(RESULT_LABELS, _RESULT_EN),
        "categories": _pairs(CATEGORY_LABELS, _CATEGORY_EN),
        "metrics": _pairs(METRIC_LABELS, _METRIC_EN),
        "kinds": {key: list(pair) for key, pair in _KINDS.items()},
        "proactive": {template: {c: list(m) for c, m in cats.items()} for template, cats in PROACTIVE_METRICS.items()},
    }


@cache
def _page() -> str:
    block = json.dumps(labels(), ensure_ascii=False).replace("</", "<\\/")
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    return html.replace(_LABELS_MARK, f'<script type="application/json" id="labels">{block}</script>')


async def index(request: Request) -> HTMLResponse:
    """The dashboard page, with the report format's labels embedded."""
    return HTMLResponse(_page())


routes: list[BaseRoute] = [
    Route("/", index),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
