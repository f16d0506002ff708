"""The dashboard: a static page at ``/`` that reads everything it shows from ``/graphql``.

The page needs the printed labels of the report format. Rather than copy them into JavaScript, ``/``
embeds them, taken from :mod:`loaders.canonical` and :mod:`checks`, as a JSON block in the HTML, so there
is one source.

Static files are served under names that carry a hash of their content (``app.1f2e3d4c5b.js``), so they
are cached for a year and a new version is a new URL; the page itself is revalidated on every visit.
Each is sent brotli- or gzip-compressed, as the browser accepts, compressed once per process.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import brotli
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from checks import CHECK_CODES
from loaders.canonical import (
    CATEGORY_LABELS,
    COLUMN_LABELS,
    GROUP_LABELS,
    METRIC_LABELS,
    PROACTIVE_METRICS,
    RESULT_LABELS,
)
from loaders.issues import IssueCode

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

# Parse-issue codes, described in both languages (the messages themselves are the parser's, in English).
_ISSUES = {code.name: (code.chinese, code.english) for code in IssueCode}
# Where a value came from (provenance), as the source view names it.
_PROVENANCE = {
    "stated": ("原文读取", "Read from its cell"),
    "inferred": ("推算", "Inferred through an identity"),
    "ocr": ("文字识别", "Recognised in a scan (OCR)"),
    "missing": ("缺失", "Missing: empty or unreadable"),
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
        "checks": {code: [c.zh, c.en] for code, c in CHECK_CODES.items()},
        "issues": {code: list(pair) for code, pair in _ISSUES.items()},
        "provenance": {key: list(pair) for key, pair in _PROVENANCE.items()},
    }


# ---- Static files: hashed names, compressed once, cached for a year ----------------------------------

_COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json)|image/svg)")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(slots=True)
class Asset:
    """One file as served: its body, its hashed URL, and its compressed bodies once asked for."""

    url: str
    media_type: str
    body: bytes
    etag: str
    encoded: dict[str, bytes] = field(default_factory=dict)

    def variant(self, accept_encoding: str) -> tuple[str | None, bytes]:
        """The best body for the browser's Accept-Encoding: brotli, else gzip, else as is."""
        if not _COMPRESSIBLE.match(self.media_type):
            return None, self.body
        accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
        for encoding in ("br", "gzip"):
            if encoding in accepted:
                if encoding not in self.encoded:
                    self.encoded[encoding] = _compress(encoding, self.body)
                return encoding, self.encoded[encoding]
        return None, self.body


def _compress(encoding: str, body: bytes) -> bytes:
    # Brotli at 9: within a tenth of a second for ECharts, and 11 % smaller than gzip (quality 11 takes 2.6 s).
    return brotli.compress(body, quality=9) if encoding == "br" else gzip.compress(body, 9, mtime=0)


def _media_type(path: Path) -> str:
    # LICENSE, NOTICE, VERSION: plain text.
    kind = mimetypes.guess_type(path.name)[0] or ("text/plain" if not path.suffix else "application/octet-stream")
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind == "application/javascript" else kind


@cache
def assets() -> dict[str, Asset]:
    """Every file under ``static/`` by its path there (``vendor/echarts/echarts.min.js``)."""
    found = {}
    for path in sorted(STATIC.rglob("*")):
        if not path.is_file() or path.name == "index.html":  # the page template: served as / only
            continue
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:10]
        name = path.relative_to(STATIC).as_posix()
        stem, dot, ext = name.rpartition(".")
        hashed = f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{name}.{digest}"
        found[name] = Asset(f"/static/{hashed}", _media_type(path), body, f'"{digest}"')
    return found


@cache
def _hashed_urls() -> dict[str, Asset]:
    return {asset.url.removeprefix("/static/"): asset for asset in assets().values()}


@cache
def page() -> Asset:
    """The page: index.html with the labels embedded and every /static/ link pointing at its hashed name."""
    block = json.dumps(labels(), ensure_ascii=False).replace("</", "<\\/")
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    html = html.replace(_LABELS_MARK, f'<script type="application/json" id="labels">{block}</script>')
    for name, asset in assets().items():
        html = html.replace(f'"/static/{name}"', f'"{asset.url}"')
    body = html.encode("utf-8")
    return Asset("/", "text/html; charset=utf-8", body, f'"{hashlib.sha256(body).hexdigest()[:16]}"')


async def _send(request: Request, asset: Asset, cache_control: str) -> Response:
    headers = {"Cache-Control": cache_control, "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    encoding, body = await run_in_threadpool(asset.variant, request.headers.get("accept-encoding", ""))
    if encoding:
        headers["Content-Encoding"] = encoding
    return Response(body, media_type=asset.media_type, headers=headers)


async def index(request: Request) -> Response:
    """The dashboard page, with the report format's labels embedded (revalidated on every visit)."""
    return await _send(request, await run_in_threadpool(page), REVALIDATE)


async def static(request: Request) -> Response:
    """A static file: by its hashed name, cached for a year; by its plain name, revalidated."""
    name = request.path_params["path"]
    hashed = (await run_in_threadpool(_hashed_urls)).get(name)
    if hashed is not None:
        return await _send(request, hashed, IMMUTABLE)
    plain = assets().get(name)
    if plain is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return await _send(request, plain, REVALIDATE)


async def favicon(request: Request) -> Response:
    """/favicon.ico, which browsers ask for whatever the page links (cached for a day)."""
    return await _send(request, (await run_in_threadpool(assets))["favicon.ico"], "public, max-age=86400")


routes: list[BaseRoute] = [
    Route("/", index),
    Route("/favicon.ico", favicon),
    Route("/static/{path:path}", static),
]
