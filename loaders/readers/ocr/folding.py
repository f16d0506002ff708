"""PP-OCR's models rewritten so that ONNX Runtime can fuse them: the same function, half the operators.

PaddlePaddle exports PP-LCNetV3 (the backbone of the detector and the recogniser) with every hardswish as
four element-wise operators (add 3, clip to 0–6, multiply, divide by 6) and every "learnable affine" block
as a multiply and an add by a constant. ONNX Runtime fuses none of them into the convolutions, and on one
core they cost about as much as the convolutions themselves, plus a change of memory layout around each.
Three rewrites remove them, each exact up to float rounding (outputs move by less than 1e-5):

- a convolution followed by ``× s + b`` takes ``s`` and ``b`` into its weights and bias;
- ``x · clip(x + 3, 0, 6) / 6`` becomes ``x · HardSigmoid(x)`` (α = 1/6, β = 1/2), which ONNX Runtime
  fuses into the convolution before it as its activation;
- ``× s + b`` in front of a 1 × 1 convolution without padding goes into that convolution's weights and
  bias (in front of a padded convolution it cannot: the padding would no longer be zero);
- the ``× s + b`` left on a convolution's output becomes one BatchNormalization (scale s, bias b, mean 0,
  variance 1, ε 0), which ONNX Runtime runs in the convolutions' blocked memory layout instead of
  converting the tensor out of it and back.

On one core the recogniser takes half the time it took (75 → 38 ms for a strip 960 pixels wide), the
detector a third less (185 → 124 ms for an A4 page at 960 × 704).

A model without these patterns is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper


@dataclass(slots=True)
class _Node:
    op: str
    inputs: list[str]
    outputs: list[str]
    name: str
    domain: str
    attributes: list[onnx.AttributeProto] = field(default_factory=list)

    def attribute(self, name: str, default: Any = None) -> Any:
        for attribute in self.attributes:
            if attribute.name == name:
                return helper.get_attribute_value(attribute)
        return default


class _Graph:
    """A model's nodes and constants, in a form that is easy to rewrite."""

    def __init__(self, graph: onnx.GraphProto) -> None:
        self.constants: dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        self.nodes: list[_Node] = []
        for node in graph.node:
            if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
                self.constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            else:
                self.nodes.append(_Node(node.op_type, list(node.input), list(node.output), node.name, node.domain,
                                        list(node.attribute)))
        self.outputs = {o.name for o in graph.output}

    def users(self, name: str) -> list[_Node]:
        return [node for node in self.nodes if name in node.inputs]

    def only_user(self, name: str, op: str) -> _Node | None:
        users = self.users(name)
        if len(users) == 1 and users[0].op == op and name not in self.outputs:
            return users[0]
        return None

    def scalar(self, name: str) -> float | None:
        value = self.constants.get(name)
        return float(value.ravel()[0]) if value is not None and value.size == 1 else None

    def rename(self, old: str, new: str) -> None:
        for node in self.nodes:
            node.inputs = [new if name == old else name for name in node.inputs]

    def remove(self, nodes: Iterable[_Node]) -> None:
        gone = {id(node) for node in nodes}
        self.nodes = [node for node in self.nodes if id(node) not in gone]

    def conv_weights(self, conv: _Node) -> tuple[np.ndarray, np.ndarray]:
        weight = self.constants[conv.inputs[1]].astype(np.float32)
        bias = (self.constants[conv.inputs[2]].astype(np.float32) if len(conv.inputs) > 2 and conv.inputs[2]
                else np.zeros(weight.shape[0], dtype=np.float32))
        return weight, bias

    def set_conv_weights(self, conv: _Node, x: str, weight: np.ndarray, bias: np.ndarray) -> None:
        names = f"{conv.name or conv.outputs[0]}/folded_w", f"{conv.name or conv.outputs[0]}/folded_b"
        self.constants[names[0]], self.constants[names[1]] = weight, bias
        conv.inputs = [x, *names]


def _other(node: _Node, name: str) -> str:
    return node.inputs[1] if node.inputs[0] == name else node.inputs[0]


def _affine_after(graph: _Graph, name: str) -> tuple[float, float, str, list[_Node]] | None:
    """``name × s (+ b)`` by scalar constants: (s, b, the result's name, the nodes), or None."""
    mul = graph.only_user(name, "Mul")
    if mul is None or (scale := graph.scalar(_other(mul, name))) is None:
        return None
    add = graph.only_user(mul.outputs[0], "Add")
    if add is not None and (shift := graph.scalar(_other(add, mul.outputs[0]))) is not None:
        return scale, shift, add.outputs[0], [mul, add]
    return scale, 0.0, mul.outputs[0], [mul]


def _fold_into_conv_before(graph: _Graph) -> int:
    folded = 0
    for conv in [node for node in graph.nodes if node.op == "Conv"]:
        found = _affine_after(graph, conv.outputs[0])
        if found is None or found[2] in graph.outputs:  # the model's output keeps its name
            continue
        scale, shift, result, nodes = found
        weight, bias = graph.conv_weights(conv)
        graph.set_conv_weights(conv, conv.inputs[0], weight * scale, bias * scale + shift)
        graph.remove(nodes)
        graph.rename(result, conv.outputs[0])
        folded += 1
    return folded


def _hardswish(graph: _Graph) -> int:
    folded = 0
    for add in [node for node in graph.nodes if node.op == "Add"]:
        three = [name for name in add.inputs if graph.scalar(name) == 3.0]
        if not three:
            continue
        x = _other(add, three[0])
        clip = graph.only_user(add.outputs[0], "Clip")
        if (clip is None or len(clip.inputs) != 3 or graph.scalar(clip.inputs[1]) != 0.0
                or graph.scalar(clip.inputs[2]) != 6.0):
            continue
        mul = graph.only_user(clip.outputs[0], "Mul")
        if mul is None or sorted(mul.inputs) != sorted([x, clip.outputs[0]]):
            continue
        div = graph.only_user(mul.outputs[0], "Div")
        if div is None or div.inputs[0] != mul.outputs[0] or graph.scalar(div.inputs[1]) != 6.0:
            continue
        graph.remove([add, clip, mul, div])
        gate = f"{div.outputs[0]}/gate"
        graph.nodes.append(_Node("HardSigmoid", [x], [gate], f"{gate}/hardsigmoid", "",
                                 [helper.make_attribute("alpha", 1 / 6), helper.make_attribute("beta", 0.5)]))
        graph.nodes.append(_Node("Mul", [x, gate], [div.outputs[0]], f"{gate}/mul", ""))
        folded += 1
    return folded


def _unpadded_pointwise(conv: _Node) -> bool:
    return (list(conv.attribute("kernel_shape", [])) == [1, 1] and conv.attribute("group", 1) == 1
            and not any(conv.attribute("pads", [])) and conv.attribute("auto_pad", b"NOTSET") in (b"NOTSET", b"VALID"))


def _scalar_affines(graph: _Graph) -> Iterator[tuple[str, tuple[float, float, str, list[_Node]]]]:
    """Each ``x × s (+ b)`` by scalar constants still in the graph: x and what :func:`_affine_after` gives."""
    for mul in [node for node in graph.nodes if node.op == "Mul"]:
        if mul not in graph.nodes or not (constants := [n for n in mul.inputs if graph.scalar(n) is not None]):
            continue
        x = _other(mul, constants[0])
        found = _affine_after(graph, x)
        if found is not None and found[3][0] is mul:
            yield x, found


def _fold_into_conv_after(graph: _Graph) -> int:
    folded = 0
    for x, found in _scalar_affines(graph):
        scale, shift, result, nodes = found
        users = graph.users(result)
        if (not users or result in graph.outputs
                or not all(u.op == "Conv" and u.inputs[0] == result and _unpadded_pointwise(u) for u in users)):
            continue
        for conv in users:
            weight, bias = graph.conv_weights(conv)
            graph.set_conv_weights(conv, x, weight * scale, bias + shift * weight.sum(axis=(1, 2, 3)))
        graph.remove(nodes)
        folded += 1
    return folded


def _channels(graph: _Graph, name: str) -> int | None:
    """The channels of a convolution's output, or of its hardswish (``x · HardSigmoid(x)``); else None."""
    producer = next((node for node in graph.nodes if name in node.outputs), None)
    if producer is not None and producer.op == "Mul":
        gate = next((node for node in graph.nodes if node.outputs[0] in producer.inputs and node.op == "HardSigmoid"),
                    None)
        if gate is None or sorted(producer.inputs) != sorted([gate.inputs[0], gate.outputs[0]]):
            return None
        return _channels(graph, gate.inputs[0])
    if producer is not None and producer.op == "Conv":
        return int(graph.constants[producer.inputs[1]].shape[0])
    return None


def _affine_as_batch_norm(graph: _Graph) -> int:
    folded = 0
    for x, found in _scalar_affines(graph):
        if (channels := _channels(graph, x)) is None:
            continue
        scale, shift, result, nodes = found
        names = [f"{result}/batch_norm_{part}" for part in ("scale", "bias", "mean", "var")]
        for name, value in zip(names, (scale, shift, 0.0, 1.0), strict=True):
            graph.constants[name] = np.full(channels, value, dtype=np.float32)
        graph.remove(nodes)
        graph.nodes.append(_Node("BatchNormalization", [x, *names], [result], f"{result}/batch_norm", "",
                                 [helper.make_attribute("epsilon", 0.0)]))
        folded += 1
    return folded


def _sorted(graph: _Graph, inputs: Iterable[str]) -> list[_Node]:
    ready = set(inputs) | set(graph.constants) | {""}
    order: list[_Node] = []
    pending = list(graph.nodes)
    while pending:
        waiting = []
        for node in pending:
            if all(name in ready for name in node.inputs):
                order.append(node)
                ready.update(node.outputs)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):
            raise ValueError("the rewritten graph has a cycle")
        pending = waiting
    return order


def fold(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """The model with PP-LCNet's element-wise layers folded (see the module's docstring), and how many were."""
    graph = _Graph(model.graph)
    count = (_fold_into_conv_before(graph) + _hardswish(graph) + _fold_into_conv_after(graph)
             + _affine_as_batch_norm(graph))
    if not count:
        return model, 0
    nodes = _sorted(graph, (i.name for i in model.graph.input))
    used = {name for node in nodes for name in node.inputs}
    rebuilt = helper.make_graph(
        [helper.make_node(n.op, n.inputs, n.outputs, name=n.name, domain=n.domain or None) for n in nodes],
        model.graph.name, list(model.graph.input), list(model.graph.output),
        [numpy_helper.from_array(np.asarray(value), name) for name, value in graph.constants.items() if name in used],
    )
    for proto, node in zip(rebuilt.node, nodes, strict=True):
        proto.attribute.extend(node.attributes)
    out = helper.make_model(rebuilt, opset_imports=list(model.opset_import), ir_version=model.ir_version)
    out.metadata_props.extend(model.metadata_props)  # the recogniser's alphabet travels in its metadata
    return out, count
