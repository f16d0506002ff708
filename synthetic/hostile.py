"""Hostile inputs, built on demand for the tests and ``bench/abuse.py``: small files and queries that stand
for far more than their size, or that break what a careless reader would assume.

Nothing here is stored in the repository: a bomb is made when a test asks for it, in a few milliseconds,
from zeros that compress a thousandfold.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

_MB = 1 << 20

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(body_xml: str, padding_mb: int = 0) -> bytes:
    """A minimal Word package whose body is ``body_xml`` (WordprocessingML), followed by ``padding_mb`` MB of
    spaces inside the document part: deflated, a gigabyte of them is a megabyte of file."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>{body_xml}'
    tail = "</w:body></w:document>"
    if not padding_mb:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("[Content_Types].xml", _CONTENT_TYPES)
            package.writestr("_rels/.rels", _RELS)
            package.writestr("word/document.xml", head + tail)
        return out.getvalue()
    return _zip([("[Content_Types].xml", _CONTENT_TYPES.encode(), 0, b""), ("_rels/.rels", _RELS.encode(), 0, b""),
                 ("word/document.xml", head.encode(), padding_mb, tail.encode())])


def docx_bomb(unpacked_mb: int = 1024) -> bytes:
    """A DOCX of about ``unpacked_mb`` KB whose document part unpacks to ``unpacked_mb`` MB."""
    return docx(_paragraph("bomb"), padding_mb=unpacked_mb)


def _repeated(byte: bytes, mb: int) -> bytes:
    """``mb`` MB of ``byte`` as raw deflate blocks that end in a full flush, so that more can follow: one
    megabyte is compressed once and its block repeated (a flushed block depends on nothing before it)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (deflater.compress(byte * _MB) + deflater.flush(zlib.Z_FULL_FLUSH)) * mb


def _deflated(head: bytes, byte: bytes, mb: int, tail: bytes) -> tuple[bytes, int, int, int]:
    """``head``, ``mb`` MB of ``byte`` and ``tail`` as one raw deflate stream, with its CRC-32, Adler-32 and size."""
    first, last = zlib.compressobj(9, zlib.DEFLATED, -15), zlib.compressobj(9, zlib.DEFLATED, -15)
    data = first.compress(head) + first.flush(zlib.Z_FULL_FLUSH) + _repeated(byte, mb)
    data += last.compress(tail) + last.flush()
    crc, adler, megabyte = zlib.crc32(head), zlib.adler32(head), byte * _MB
    for _ in range(mb):
        crc, adler = zlib.crc32(megabyte, crc), zlib.adler32(megabyte, adler)
    return data, zlib.crc32(tail, crc), zlib.adler32(tail, adler), len(head) + mb * _MB + len(tail)


def _zip(parts: list[tuple[str, bytes, int, bytes]]) -> bytes:
    """A zip of parts (name, head, megabytes of spaces, tail), written by hand: Python's zipfile would
    deflate every byte of the padding instead of repeating one compressed megabyte."""
    out, directory = io.BytesIO(), []
    for name, head, padding_mb, tail in parts:
        data, crc, _, size = _deflated(head, b" ", padding_mb, tail)
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                     len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.writelines(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), out.tell() - start, start, 0))
    return out.getvalue()


def docx_span_bomb(span: int = 10**9) -> bytes:
    """A DOCX whose one table cell spans ``span`` grid columns (``gridSpan``)."""
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>{_paragraph("1")}</w:tc>'
    return docx(f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr>{cell}</w:tr></w:tbl>')


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def html_span_bomb(rows: int = 1200, colspan: int = 1000, rowspan: int = 65534) -> bytes:
    """An HTML table of ``rows`` rows whose every cell spans ``colspan`` columns and ``rowspan`` rows: about
    60 KB standing for a grid of ``rows`` × ``colspan`` × … cells."""
    row = f'<tr><td colspan="{colspan}" rowspan="{rowspan}">1</td></tr>'
    return f"<html><body><table>{row * rows}</table></body></html>".encode()


def pdf(content: bytes, *, deflate: bool = True, filters: bytes = b"") -> bytes:
    """A one-page PDF whose page content stream is ``content`` (deflated unless told otherwise; ``filters``
    names the stream's filters when ``content`` comes encoded already)."""
    data = zlib.compress(content, 9) if deflate else content
    filters = b" /Filter /FlateDecode" if deflate else filters
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(data), filters) + data + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_deflate_bomb(unpacked_mb: int = 1024) -> bytes:
    """A PDF of about ``unpacked_mb`` KB whose content stream inflates to ``unpacked_mb`` MB of zeros."""
    raw, _, adler, _ = _deflated(b"", b"\0", unpacked_mb, b"")
    return pdf(b"\x78\xda" + raw + struct.pack(">I", adler), deflate=False, filters=b" /Filter /FlateDecode")


def fragment_bomb(levels: int = 21, spreads: int = 2, field: str = "report(id: 1)", on: str = "Report") -> str:
    """A GraphQL query of ``levels`` fragments, each spreading the next ``spreads`` times: about a kilobyte
    that expands to ``spreads ** levels`` fields."""
    fragments = []
    for level in range(levels):
        below = " ".join([f"...F{level + 1}"] * spreads) if level + 1 < levels else "year"
        fragments.append(f"fragment F{level} on {on} {{ id {below} }}")
    return f"{{ {field} {{ ...F0 }} }} " + " ".join(fragments)
