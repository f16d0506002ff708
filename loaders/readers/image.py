"""Page images — ``.png``, ``.jpg``, ``.tif`` (every frame of a multi-page TIFF) — read by OCR as one report."""

from __future__ import annotations

import io

from loaders.readers.document import Document, UnreadableDocumentError
from loaders.readers.ocr import MAX_PAGES, MISSING_EXTRA, PageText, assemble, available, read_page_image


def read_image(data: bytes) -> Document:
    """Read a page image, or a multi-page TIFF page by page; raises when it is no image or OCR is missing."""
    if not available():
        raise UnreadableDocumentError(MISSING_EXTRA)
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise UnreadableDocumentError(f"image too large to be a scanned page: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableDocumentError(f"not a readable image (corrupt or another format): {exc}") from exc
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_PAGES:
        raise UnreadableDocumentError(f"{frames} pages: more than the {MAX_PAGES} a report's scan can have")
    pages: list[PageText] = []
    for number in range(frames):
        image.seek(number)
        # the camera's EXIF orientation first: a phone photo is stored sideways and says so
        frame = ImageOps.exif_transpose(image).convert("RGB")
        pages.append(read_page_image(np.asarray(frame), number + 1))
    lines, spans, issues = assemble(pages)
    return Document("\n".join(lines) + "\n", "image", None, tuple(issues), spans)
