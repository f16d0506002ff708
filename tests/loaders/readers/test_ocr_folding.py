"""The OCR models with their element-wise layers folded compute what the shipped models compute, faster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed: pip install 'xxgk[ocr]'")
onnx = pytest.importorskip("onnx", reason="the OCR extra is not installed: pip install 'xxgk[ocr]'")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from loaders.readers.ocr.folding import fold  # noqa: E402


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = _session(model)
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _lcnet_block(padded_after: bool) -> onnx.ModelProto:
    """conv → × s + b → hardswish as PaddlePaddle exports it → × s + b → a second conv, 1 × 1 or padded 3 × 3."""
    rng = np.random.default_rng(7)

    def const(name: str, value: np.ndarray | float) -> onnx.NodeProto:
        array = np.asarray(value, dtype=np.float32)
        return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))

    kernel = [3, 3] if padded_after else [1, 1]
    nodes = [
        const("w1", rng.normal(size=(8, 4, 3, 3))), const("b1", rng.normal(size=8)),
        const("s1", 1.7), const("t1", -0.4), const("three", 3.0), const("zero", 0.0), const("six", 6.0),
        const("s2", 0.6), const("t2", 0.9), const("w2", rng.normal(size=(5, 8, *kernel))),
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["s1", "c1"], ["m1"]),
        helper.make_node("Add", ["m1", "t1"], ["a1"]),
        helper.make_node("Add", ["a1", "three"], ["h1"]),
        helper.make_node("Clip", ["h1", "zero", "six"], ["h2"]),
        helper.make_node("Mul", ["a1", "h2"], ["h3"]),
        helper.make_node("Div", ["h3", "six"], ["h4"]),
        helper.make_node("Mul", ["s2", "h4"], ["m2"]),
        helper.make_node("Add", ["m2", "t2"], ["a2"]),
        helper.make_node("Conv", ["a2", "w2"], ["y"], kernel_shape=kernel, pads=[1, 1, 1, 1] if padded_after else [0, 0, 0, 0]),
    ]
    graph = helper.make_graph(
        nodes, "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 12, 20])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


@pytest.mark.parametrize("padded_after", [False, True])
def test_a_folded_block_computes_the_same_function(padded_after: bool) -> None:
    model = _lcnet_block(padded_after)
    folded, count = fold(model)
    ops = [node.op_type for node in folded.graph.node]
    # the affine after the first conv and the hardswish always fold; the one before the second conv goes
    # into it where it has no padding (the padding would no longer be zero), else becomes a batch norm
    assert count == 3
    assert ops == (["Conv", "HardSigmoid", "Mul", "BatchNormalization", "Conv"] if padded_after
                   else ["Conv", "HardSigmoid", "Mul", "Conv"])
    x = np.random.default_rng(1).normal(size=(1, 4, 12, 20)).astype(np.float32)
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-4, atol=1e-4)


def test_the_models_output_keeps_its_name_when_the_layer_before_it_folds() -> None:
    rng = np.random.default_rng(2)
    weight = numpy_helper.from_array(rng.normal(size=(3, 2, 1, 1)).astype(np.float32), "w")
    scale = numpy_helper.from_array(np.array(2.5, dtype=np.float32), "s")
    shift = numpy_helper.from_array(np.array(-1.0, dtype=np.float32), "t")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[1, 1]),
         helper.make_node("Mul", ["c", "s"], ["m"]),
         helper.make_node("Add", ["m", "t"], ["y"])],
        "tail",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [weight, scale, shift],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
    folded, _ = fold(model)
    assert [o.name for o in folded.graph.output] == ["y"]
    x = np.random.default_rng(4).normal(size=(1, 2, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(_run(folded, x), _run(model, x), rtol=1e-5, atol=1e-5)


def test_a_model_without_the_patterns_is_left_as_it_is() -> None:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph)
    assert fold(model) == (model, 0)


def _models() -> Path:
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).parent / "models"


@pytest.mark.parametrize(
    ("name", "shape"),
    [("det", (1, 3, 320, 224)), ("rec", (1, 3, 48, 640)), ("cls", (6, 3, 48, 192))],
)
def test_the_shipped_models_fold_and_read_the_same(name: str, shape: tuple[int, ...]) -> None:
    path = next(p for p in sorted(_models().glob("*.onnx")) if f"_{name}_" in p.name)
    model = onnx.load(str(path))
    folded, count = fold(model)
    assert count >= 15  # PP-LCNet's hardswishes at least: a new model without them would lose the speed
    # a page-like input: white with dark strokes, normalised as the engine normalises it
    rng = np.random.default_rng(3)
    image = np.where(rng.random(shape) < 0.1, -1.0, 1.0).astype(np.float32)
    before, after = _run(model, image), _run(folded, image)
    np.testing.assert_allclose(after, before, rtol=1e-3, atol=1e-4)
    if name == "rec":
        assert (after.argmax(-1) == before.argmax(-1)).all()
        assert dict((p.key, p.value) for p in folded.metadata_props) == dict((p.key, p.value) for p in model.metadata_props)


def test_the_engine_runs_the_folded_models() -> None:
    from loaders.readers.ocr import engine

    built = engine._engine()
    for model in (built.text_det.infer, built.text_cls.infer, built.text_rec.session):
        assert model.session._model_path is None  # built from the rewritten model's bytes, not the shipped file
    assert len(engine.character_list()) > 6000


def test_scans_read_with_the_folded_models_give_what_the_shipped_models_give(monkeypatch):
    """Every line, value, box and score (to 3 places) of a clean and a damaged scan, unchanged."""
    from scans import blur, dust, font_file, image_pdf, jpeg, pdf_pages, seal, skew, tiff, turn
    from seed000_documents import pdf_bytes

    from loaders.readers import read_document
    from loaders.readers.ocr import engine

    if font_file() is None:
        pytest.skip("no CJK font to print the pages (fonts-wqy-microhei)")
    pages = pdf_pages(pdf_bytes())
    scans = [
        (image_pdf(pages), "clean.pdf"),
        (tiff([jpeg(blur(skew(pages[0], 2.5), 1.0), 40), jpeg(dust(turn(seal(pages[1], (900, 500)), 270)), 40)]),
         "damaged.tif"),
    ]
    folded = [read_document(data, name) for data, name in scans]
    engine._engine.cache_clear()
    monkeypatch.setattr(engine, "_folded", lambda session: session)
    try:
        shipped = [read_document(data, name) for data, name in scans]
    finally:
        engine._engine.cache_clear()  # the next reader builds the folded engine again
    for a, b in zip(folded, shipped, strict=True):
        assert a.ocr  # read by OCR, with a box and score for each value
        assert a.text == b.text
        assert a.issues == b.issues
        assert a.ocr == b.ocr
    assert any(issue.code == "PAGE_ROTATED" for issue in folded[1].issues)  # the damage was there to read
