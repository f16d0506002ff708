"""Bytes to str for text-based formats: BOM, strict UTF-8, declared charset, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from loaders.readers.document import UnreadableDocumentError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Pages labelled gb2312 or gbk routinely hold characters only GBK / GB18030 define; GB18030 is their superset.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz", "euc-cn", "cp936"})
# Above this share of control characters, the "text" is binary that happened to decode.
_MAX_CONTROL_SHARE = 0.05
# Unicode's control characters (category Cc) less the ones text uses: tab, line feed, \v, \f, \r.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# UTF-8 with at most this share of broken sequences (a truncated copy, a stray byte) is UTF-8 with a few
# replacement characters; text in another encoding breaks on nearly every non-ASCII character.
_MAX_BROKEN_UTF8_SHARE = 0.005
_REPLACEMENT = "\ufffd"


def codec_name(label: str) -> str | None:
    """Python's name for a charset label (``GB2312`` → ``gb18030``, ``UTF8`` → ``utf-8``), ``None`` if unknown."""
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY or label.strip().lower() in _GB_FAMILY else name


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, codec)``; the BOM, if any, is not part of the text.

    Order: a byte-order mark wins; then strict UTF-8 (the common case, fast, and GBK text practically
    never decodes as UTF-8, while pages labelled gb2312 that are really UTF-8 exist); then UTF-8 with a
    few broken sequences, each read as U+FFFD; then the document's own declaration (HTML
    ``<meta charset>``) if it decodes strictly; then charset-normalizer's guess. Raises
    :class:`UnreadableDocumentError` when nothing decodes the bytes.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec), codec
    candidates = [c for c in ("utf-8", codec_name(declared) if declared else None) if c]
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            if codec == "utf-8" and (mended := _mostly_utf8(data)) is not None:
                return mended, codec
            continue
        # NUL is valid UTF-8 but no text file holds it: more likely UTF-16 without a BOM, or binary.
        if "\x00" not in text:
            return text, codec
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocumentError("text is in no encoding we can detect (binary data?)")
    codec = codec_name(best.encoding) or best.encoding
    return _strict(data, codec), codec


def _mostly_utf8(data: bytes) -> str | None:
    """The text of UTF-8 bytes with a few broken sequences (U+FFFD in their place); None for other bytes."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode())
    if broken > _MAX_BROKEN_UTF8_SHARE * len(text) or "\x00" in text:
        return None
    return text


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableDocumentError(f"text does not decode as {codec}: {exc.reason} at byte {exc.start}") from exc


def looks_binary(text: str) -> bool:
    """True for decoded "text" that is really binary: it holds NUL or is more than 5 % control characters."""
    if "\x00" in text:
        return True
    return len(_CONTROLS.findall(text)) > _MAX_CONTROL_SHARE * max(len(text), 1)
