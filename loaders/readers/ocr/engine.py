"""The OCR engine: RapidOCR's PP-OCR models (text detection, line recognition, 0°/180° direction) on ONNX Runtime.

The models ship inside the ``rapidocr-onnxruntime`` wheel, so nothing is downloaded when a scan is read.
The engine is optional (``pip install 'xxgk[ocr]'``): without it a scan is refused with one line saying so.
One engine per process, built on first use and single-threaded: ``xxgk load`` runs one parser process
per core, and each reads its own documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from loaders.readers.document import UnreadableDocumentError

if TYPE_CHECKING:  # numpy comes with the OCR extra; without it this module must still import
    import numpy as np

MISSING_EXTRA = "reading a scan needs the OCR extra: pip install 'xxgk[ocr]'"
# The longest side the detector sees a page at (RapidOCR rounds it to a multiple of 32). 736 would take half
# the time but loses most of the damaged test scan (crooked, sideways, sealed) to misread lines.
DETECT_SIDE = 959


@dataclass(frozen=True, slots=True)
class TextBox:
    """A line of text found on a page: its corner points (clockwise from top-left), text and score (0–1)."""

    points: tuple[tuple[float, float], ...]
    text: str
    score: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


@cache
def _engine() -> Any:
    try:
        import cv2
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise UnreadableDocumentError(MISSING_EXTRA) from exc
    cv2.setNumThreads(1)  # one core per process, as for the models
    # rec_img_shape's width is the narrowest a batch is padded to: 64 rather than 320 keeps a cell holding
    # one digit from costing as much as a line of text
    # det_limit_type "max": the detector runs at the size :func:`detect` gives it; RapidOCR's default ("min",
    # 736) would scale an A4 page at 959 pixels up again to 1,024 × 736
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, rec_img_shape=[3, 48, 64], rec_batch_num=8,
                      det_limit_type="max")
    for model in (engine.text_det.infer, engine.text_cls.infer, engine.text_rec.session):
        model.session = _folded(model.session)
    return engine


def _folded(session: Any) -> Any:
    """The session again, on its model with the element-wise layers folded (:mod:`.folding`): half the time
    for the recogniser and a third less for the detector on one core. As it was if nothing folds."""
    try:
        import onnx
        import onnxruntime

        from loaders.readers.ocr.folding import fold
    except ImportError:  # an OCR extra installed before onnx joined it: the same readings, slower
        return session
    path = getattr(session, "_model_path", None)
    if not path:
        return session
    model, count = fold(onnx.load(path))
    if not count:
        return session
    return onnxruntime.InferenceSession(model.SerializeToString(), session.get_session_options(),
                                        providers=session.get_providers())


def available() -> bool:
    """Whether the OCR extra is installed (the engine is not built by asking)."""
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def detect(image: np.ndarray) -> list[np.ndarray]:
    """Text-line quadrilaterals (4 × 2 arrays, page pixels) on a BGR image, without reading them.

    The detector sees the page scaled to :data:`DETECT_SIDE` pixels at most (RapidOCR would otherwise run
    it at up to 2,000, for four times the time and 750 MB): tables are found from their ruling, so it only
    has to find lines of running text, whose characters stay 12 pixels high or more on an A4 page.
    """
    import cv2

    engine = _engine()
    factor = min(1.0, DETECT_SIDE / max(image.shape[:2]))
    small = image if factor == 1.0 else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    boxes, _ = engine.text_det(small)
    return [] if boxes is None else [box / factor for box in boxes]


def crop_lines(image: np.ndarray, boxes: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each detected line (see :func:`detect`) cut out of a BGR page image and turned level."""
    import numpy

    if not boxes:
        return []
    return list(_engine().get_crop_img_list(image, numpy.array(boxes, dtype=numpy.float32)))


def character_list() -> list[str]:
    """The recogniser's classes: index 0 is CTC's blank, then one character each."""
    return _engine().text_rec.postprocess_op.character


def recogniser_output(batch: np.ndarray) -> np.ndarray:
    """The recogniser's per-step class probabilities for a normalised batch (N × 3 × 48 × W)."""
    return _engine().text_rec.session(batch)[0]


def upside_down(crops: Sequence[np.ndarray]) -> list[bool]:
    """For each line crop, whether the direction model reads it as turned 180°."""
    if not crops:
        return []
    _, results, _ = _engine().text_cls(list(crops))
    return [label == "180" and score > 0.9 for label, score in results]
