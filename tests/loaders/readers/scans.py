"""Real scans made in the test: reports printed to page images, with the damage scanners and phones do.

Pages come from a PDF (rendered with pdfium) or are drawn from a report's text with Pillow and a CJK font
(WenQuanYi Micro Hei, Debian's ``fonts-wqy-microhei``): paragraphs as lines, each block of tab-separated
rows as a ruled table. The damage: blur, a few degrees of skew, a quarter turn, JPEG artefacts, dust, and
a red seal stamped over a table. The images are then wrapped in a PDF or a TIFF as a scanner would.
"""

from __future__ import annotations

import io
import math
import random
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)
DPI = 200
A4 = (int(8.27 * DPI), int(11.69 * DPI))


def font_file() -> Path | None:
    return next((path for path in FONT_FILES if path.is_file()), None)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    path = font_file()
    assert path is not None, "the CJK font is missing"
    return ImageFont.truetype(str(path), size)


def pdf_pages(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    """Each page of a PDF as an RGB image, as a scanner at ``dpi`` would see the printed page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def text_pages(text: str, size: int = 22) -> list[Image.Image]:
    """A report's text printed on A4 pages: a line a paragraph (wrapped), a ruled table per block of tab rows."""
    pages: list[Image.Image] = []
    margin = int(0.7 * DPI)
    width = A4[0] - 2 * margin
    font = _font(size)
    page, draw, y = _new_page(pages)
    blocks: list[str | list[list[str]]] = []
    for line in text.splitlines():
        if "\t" in line:
            if not blocks or isinstance(blocks[-1], str):
                blocks.append([])
            blocks[-1].append(line.split("\t"))  # type: ignore[union-attr]
        elif line.strip():
            blocks.append(line.strip())
    for block in blocks:
        if isinstance(block, str):
            for piece in _wrap(block, font, width):
                if y + size * 1.6 > A4[1] - margin:
                    page, draw, y = _new_page(pages)
                draw.text((margin, y), piece, font=font, fill=0)
                y += int(size * 1.6)
            continue
        columns = max(len(row) for row in block)
        rows = [row + [""] * (columns - len(row)) for row in block]
        widths = _column_widths(rows, font, width)
        for row in rows:
            wrapped = [_wrap(cell, font, w - 10) if cell else [] for cell, w in zip(row, widths, strict=True)]
            height = max(1, *(len(w) for w in wrapped)) * int(size * 1.3) + 12
            if y + height > A4[1] - margin:
                page, draw, y = _new_page(pages)
            x = margin
            for lines, w in zip(wrapped, widths, strict=True):
                draw.rectangle((x, y, x + w, y + height), outline=0, width=2)
                for k, piece in enumerate(lines):
                    draw.text((x + 6, y + 6 + k * int(size * 1.3)), piece, font=font, fill=0)
                x += w
            y += height
        y += size
    return [p.convert("RGB") for p in pages]


def _new_page(pages: list[Image.Image]) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    page = Image.new("L", A4, 255)
    pages.append(page)
    return page, ImageDraw.Draw(page), int(0.7 * DPI)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, line = [], ""
    for char in text:
        if line and font.getlength(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def _column_widths(rows: list[list[str]], font: ImageFont.FreeTypeFont, width: int) -> list[int]:
    natural = [max(int(font.getlength(row[c])) + 16 for row in rows) for c in range(len(rows[0]))]
    natural = [max(n, 50) for n in natural]
    if sum(natural) <= width:
        return natural
    # numbers keep their width; text columns share what is left, in proportion to their text
    narrow = [n if n <= 120 else 0 for n in natural]
    left = width - sum(narrow)
    wide_total = sum(n for n in natural if n > 120)
    return [n if n <= 120 else max(int(n * left / wide_total), 80) for n in natural]


# damage ----------------------------------------------------------------------------------------------


def blur(image: Image.Image, radius: float = 1.2) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def skew(image: Image.Image, degrees: float) -> Image.Image:
    """Turned ``degrees`` counter-clockwise (a crooked feed), the corners filled with paper."""
    return image.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """A quarter turn (90, 180, 270 counter-clockwise), as a phone photo taken sideways."""
    return image.rotate(degrees, expand=True)


def jpeg(image: Image.Image, quality: int = 35) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def dust(image: Image.Image, specks: int = 400, seed: int = 0) -> Image.Image:
    rng = random.Random(seed)
    out = image.copy()
    draw = ImageDraw.Draw(out)
    for _ in range(specks):
        x, y = rng.randrange(out.width), rng.randrange(out.height)
        draw.point((x, y), fill=(90, 90, 90))
    return out


def seal(image: Image.Image, centre: tuple[int, int], radius: int = 170) -> Image.Image:
    """A red round seal stamped over the page (multiplied, as ink over print): ring, star and text."""
    stamp = Image.new("RGB", image.size, (255, 255, 255))
    draw = ImageDraw.Draw(stamp)
    x, y = centre
    red = (220, 40, 40)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=10)
    star = [
        (x + (radius * (0.35 if k % 2 == 0 else 0.14)) * math.sin(k * math.pi / 5),
         y - (radius * (0.35 if k % 2 == 0 else 0.14)) * math.cos(k * math.pi / 5))
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    font = _font(radius // 4)
    for k, char in enumerate("万源市官渡镇人民政府"):
        angle = math.radians(-120 + k * 240 / 9)
        cx, cy = x + 0.72 * radius * math.sin(angle), y - 0.72 * radius * math.cos(angle)
        draw.text((cx, cy), char, font=font, fill=red, anchor="mm")
    from PIL import ImageChops

    return ImageChops.multiply(image.convert("RGB"), stamp)


# containers ------------------------------------------------------------------------------------------


def image_pdf(images: list[Image.Image]) -> bytes:
    """A PDF whose pages are only these images: no text layer, as a scanner makes it."""
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return buffer.getvalue()


def tiff(images: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    images[0].save(buffer, "TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate")
    return buffer.getvalue()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
