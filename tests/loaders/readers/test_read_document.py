"""Choosing the reader by extension, and the one-line errors for what cannot be read."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from seed000_documents import TITLE, docx_bytes

from loaders.readers import Document, UnreadableDocumentError, read_document


def _unreadable(data: bytes, filename: str) -> str:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_document(data, filename)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{filename}: ")
    return message


def test_unknown_extension_names_it_and_the_known_ones():
    message = _unreadable(b"PK\x03\x04", "report.pages")
    assert "'.pages'" in message and ".docx" in message and ".pdf" in message
    assert "no extension" in _unreadable(b"abc", "README")


def test_empty_and_blank_files():
    assert "empty file" in _unreadable(b"", "report.docx")
    assert "empty file" in _unreadable(b" \r\n\t ", "report.txt")


def test_random_bytes_named_docx_are_corrupt():
    assert "not a readable DOCX" in _unreadable(random.Random(1).randbytes(2048), "report.docx")


def test_zip_that_is_not_a_word_document_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    assert "not a readable DOCX" in _unreadable(buffer.getvalue(), "report.docx")


def test_html_with_no_text():
    assert "holds no text" in _unreadable(b"<html><body><script>x=1</script></body></html>", "a.html")


def test_extension_is_case_insensitive_and_document_is_frozen():
    document = read_document(docx_bytes(), "REPORT.Docx")
    assert document.text.startswith(TITLE + "\n")
    with pytest.raises(AttributeError):
        document.text = ""  # type: ignore[misc]
    assert isinstance(document, Document)


def test_without_the_ocr_extra_text_formats_still_read_and_an_image_names_the_extra():
    import subprocess
    import sys

    code = """
import sys
for name in ("numpy", "cv2", "rapidocr_onnxruntime", "onnxruntime"):
    sys.modules[name] = None  # as if the OCR extra were not installed
sys.path.insert(0, "tests/loaders/readers")
from loaders.readers import UnreadableDocumentError, read_document
from seed000_documents import docx_bytes, pdf_bytes
print(read_document(pdf_bytes(), "a.pdf").format, read_document(docx_bytes(), "a.docx").format)
try:
    read_document(b"\\x89PNG\\r\\n\\x1a\\n" + b"0" * 100, "page.png")
except UnreadableDocumentError as exc:
    print(exc)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["pdf docx", "page.png: reading a scan needs the OCR extra: pip install 'xxgk[ocr]'"]
