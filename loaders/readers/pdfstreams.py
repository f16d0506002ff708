"""PDF streams inflated within the limits of :mod:`loaders.readers.limits`, as pdfminer reads them.

pdfminer inflates a Flate or LZW stream whole, in memory, before anything can look at it: a 1 MB stream
can stand for a gigabyte. It does so through three names of its module ``pdfminer.pdftypes`` — ``zlib``,
``decompress_corrupted`` (its byte-at-a-time retry of a stream with a bad checksum) and ``lzwdecode`` —
which :func:`install` replaces with the same calls counted as they produce output: a stream past
``XXGK_MAX_PART_MB``, or a document past ``XXGK_MAX_UNPACKED_MB``, stops with an
:class:`~loaders.readers.limits.ExpansionError`. Streams are still decoded, and decrypted, by pdfminer;
only how far they may grow changes. (Run-length, at most 64 times its input, is left as it is.)
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from typing import Any

import pdfminer.pdftypes
from pdfminer.lzw import LZWDecoder

from loaders.readers.limits import part_limit, stream_too_large, unpack


class _Inflater:
    """``zlib.decompressobj`` whose output, over all its calls, stops at the part limit."""

    def __init__(self, *args: Any) -> None:
        self._inflate = zlib.decompressobj(*args)
        self._limit = part_limit()
        self._size = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = self._limit - self._size + 1
        out = self._inflate.decompress(data, room if not max_length else min(max_length, room))
        self._count(out)
        return out

    def flush(self, *args: Any) -> bytes:
        out = self._inflate.flush(*args)
        self._count(out)
        return out

    def _count(self, out: bytes) -> None:
        self._size += len(out)
        if self._size > self._limit:
            raise stream_too_large("PDF stream")
        unpack(len(out), "PDF streams")

    @property
    def eof(self) -> bool:
        return self._inflate.eof

    @property
    def unused_data(self) -> bytes:
        return self._inflate.unused_data


class _BoundedZlib:
    """What ``pdfminer.pdftypes`` sees as ``zlib``."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        inflater = _Inflater()
        out = inflater.decompress(data)
        if not inflater.eof:  # as zlib.decompress says of a stream that stops short
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args: Any) -> _Inflater:
        return _Inflater(*args)


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's retry of a stream whose checksum is wrong, byte by byte, in linear time and bounded."""
    inflater = _Inflater()
    out = bytearray()
    for i in range(len(data)):
        try:
            out += inflater.decompress(data[i:i + 1])
        except zlib.error:
            if i < len(data) - 3:  # broken before its checksum: not a stream to read
                raise
            break
    return bytes(out)


def _lzwdecode(data: bytes) -> bytes:
    out = bytearray()
    pieces: Iterable[bytes] = LZWDecoder(io.BytesIO(data)).run()
    limit = part_limit()
    for piece in pieces:
        out += piece
        if len(out) > limit:
            raise stream_too_large("PDF stream")
        unpack(len(piece), "PDF streams")
    return bytes(out)


def install() -> None:
    """Bound pdfminer's stream decoding (idempotent)."""
    module: Any = pdfminer.pdftypes
    module.zlib = _BoundedZlib
    module.decompress_corrupted = _decompress_corrupted
    module.lzwdecode = _lzwdecode
