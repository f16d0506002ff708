"""Old binary Word (``.doc``) and WPS Office (``.wps``) documents: converted to DOCX by LibreOffice, then read
as DOCX.

LibreOffice runs headless with a profile of its own in a temporary folder, so conversions in parallel
worker processes never share (and lock) one profile. It is needed only for these formats: without
``soffice`` on the PATH such a document is refused with one line saying what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from loaders.readers.document import Document, UnreadableDocumentError
from loaders.readers.docx import read_docx

NEEDS_LIBREOFFICE = "reading {kind} needs LibreOffice: install it (Debian: libreoffice-writer-nogui) so that soffice is on the PATH"
# A conversion that takes longer is a document LibreOffice is stuck on.
_TIMEOUT_S = 120


def soffice() -> str | None:
    """The LibreOffice command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def converted(data: bytes, suffix: str, target: str, export_filter: str | None = None) -> bytes:
    """``data`` (a file ending in ``suffix``) converted by LibreOffice to the format ``target`` (``docx``, ``doc``),
    with LibreOffice's ``export_filter`` when its default for the extension is not the one wanted."""
    command = soffice()
    if command is None:
        raise UnreadableDocumentError(NEEDS_LIBREOFFICE.format(kind=suffix))
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        profile = (Path(folder) / "profile").as_uri()
        try:
            done = subprocess.run(
                [command, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", f"{target}:{export_filter}" if export_filter else target, "--outdir", folder, str(source)],
                capture_output=True, timeout=_TIMEOUT_S, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocumentError(f"LibreOffice did not convert the {suffix} file in {_TIMEOUT_S} s") from exc
        out = source.with_suffix(f".{target}")
        if done.returncode != 0 or not out.is_file():
            raise UnreadableDocumentError(f"not a readable {suffix} file: LibreOffice could not convert it")
        return out.read_bytes()


def read_doc(data: bytes) -> Document:
    """Read a ``.doc`` (Word 97–2003) file."""
    return _as_docx(data, ".doc", "doc")


def read_wps(data: bytes) -> Document:
    """Read a ``.wps`` (WPS Office) file."""
    return _as_docx(data, ".wps", "wps")


def _as_docx(data: bytes, suffix: str, fmt: str) -> Document:
    document = read_docx(converted(data, suffix, "docx"))
    return Document(document.text, fmt, None)  # type: ignore[arg-type]
