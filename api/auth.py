"""The API key: ``Authorization: Bearer <XXGK_API_KEY>``, compared in constant time."""

from __future__ import annotations

import hmac


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def is_api_key(header: str, configured: str | None) -> bool:
    """Whether the header carries the configured key (never, when none is configured)."""
    token = bearer_token(header)
    return bool(configured) and token is not None and hmac.compare_digest(token.encode(), (configured or "").encode())
