#!/usr/bin/python3
"""Makes the ONNX test files beside this script and expected.json, their counts by the onnx package.

Provenance only: the tests read the files and never run this. Made with Debian bookworm's
python3-torch 1.13.1, python3-torchvision 0.14.1 and python3-onnx 1.12.0:

    cd trainscope-graph/src/test/resources/onnx && /usr/bin/python3 generate.py
"""
import json
import os

import numpy as np
import onnx
import torch
import torchvision
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.relu1 = torch.nn.ReLU()
        self.pool1 = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.relu2 = torch.nn.ReLU()
        self.pool2 = torch.nn.MaxPool2d(2)
        self.flatten = torch.nn.Flatten()
        self.fc1 = torch.nn.Linear(16 * 7 * 7, 32)
        self.relu3 = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        return self.fc2(self.relu3(self.fc1(self.flatten(x))))


def export(model, example, path, export_params):
    model.eval()
    torch.onnx.export(model, example, path, export_params=export_params, opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    # shape inference puts intermediate shapes into value_info
    onnx.save(onnx.shape_inference.infer_shapes(onnx.load(path)), path)


def helper_built(path):
    """A few nodes by hand: an empty node name, a leading '/', a custom domain with every
    attribute kind, an initializer listed as a graph input too (IR 3 style), one shared by the
    outer graph and a branch, one inside a branch, and an If whose branches are subgraphs."""
    f = TensorProto.FLOAT
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "W")
    b = numpy_helper.from_array(np.ones(3, dtype=np.float32), "B")
    k = numpy_helper.from_array(np.full(3, -2.0, dtype=np.float32), "k")
    then_branch = helper.make_graph(
        [helper.make_node("Mul", ["r", "r"], ["sq"], name="square"),
         helper.make_node("Add", ["sq", "B"], ["t_out"], name="shift")],
        "then_graph", [], [helper.make_tensor_value_info("t_out", f, ["N", 3])],
        value_info=[helper.make_tensor_value_info("sq", f, ["N", 3])])
    else_branch = helper.make_graph(
        [helper.make_node("Mul", ["r", "k"], ["n1"], name="scale"),
         helper.make_node("Abs", ["n1"], ["e_out"], name="")],
        "else_graph", [], [helper.make_tensor_value_info("e_out", f, ["N", 3])], initializer=[k])
    nodes = [
        helper.make_node("MatMul", ["X", "W"], ["xw"], name="matmul"),
        helper.make_node("Add", ["xw", "B"], ["y"], name=""),
        helper.make_node("Relu", ["y"], ["r"], name="/block/relu"),
        helper.make_node("If", ["cond"], ["z"], name="branch",
                         then_branch=then_branch, else_branch=else_branch),
        helper.make_node("Scale", ["r"], ["s"], name="custom", domain="com.example",
                         factor=2.5, axes=[0, 1], mode="fast", names=["a", "b"],
                         table=helper.make_tensor("table", TensorProto.INT64, [2], [7, 9])),
    ]
    graph = helper.make_graph(
        nodes, "helper_graph",
        [helper.make_tensor_value_info("X", f, ["N", 4]),
         helper.make_tensor_value_info("W", f, [4, 3]),
         helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("z", f, ["N", None]),
         helper.make_tensor_value_info("s", f, ["N", 3])],
        initializer=[w, b],
        value_info=[helper.make_tensor_value_info("xw", f, ["N", 3]),
                    helper.make_tensor_value_info("y", f, ["N", 3]),
                    helper.make_tensor_value_info("r", f, ["N", 3])])
    model = helper.make_model(graph, producer_name="onnx.helper", producer_version=onnx.__version__,
                              opset_imports=[helper.make_opsetid("", OPSET),
                                             helper.make_opsetid("com.example", 1)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def op_name(node):
    return node.op_type if node.domain in ("", "ai.onnx") else node.domain + "::" + node.op_type


def subgraphs(node):
    for a in node.attribute:
        if a.type == onnx.AttributeProto.GRAPH:
            yield a.g
        elif a.type == onnx.AttributeProto.GRAPHS:
            yield from a.graphs


def walk(graph):
    """Every node of graph and of its subgraphs, at any depth."""
    for n in graph.node:
        yield n
        for g in subgraphs(n):
            yield from walk(g)


def all_initializers(graph):
    yield from graph.initializer
    for n in graph.node:
        for g in subgraphs(n):
            yield from all_initializers(g)


def count_edges(graph, outer, top):
    """Edges as Trainscope defines them: one per (node, non-empty input) whose value a node or a
    non-initializer top-level graph input produces, looked up from the innermost graph outwards
    (a subgraph's own inputs and initializers hide outer names and produce no edge); one per
    top-level graph output from its producer."""
    inits = {t.name for t in graph.initializer}
    scope = {}  # name -> True when it has a producer that is a node in the Trainscope graph
    for i in graph.input:
        scope[i.name] = top and i.name not in inits
    for name in inits:
        scope[name] = False
    for n in graph.node:
        for o in n.output:
            if o:
                scope[o] = True
    chain = [scope] + outer

    def produced(name):
        for s in chain:
            if name in s:
                return s[name]
        return False

    edges = 0
    for n in graph.node:
        edges += sum(1 for i in n.input if i and produced(i))
        for g in subgraphs(n):
            edges += count_edges(g, chain, False)
    if top:
        edges += sum(1 for o in graph.output if produced(o.name))
    return edges


def expected(path):
    model = onnx.load(path)
    g = model.graph
    inits = {t.name for t in g.initializer}
    everything = list(all_initializers(g))
    return {
        "producer": (model.producer_name + " " + model.producer_version).strip(),
        "graph_name": g.name,
        "top_level_nodes": len(g.node),
        "all_nodes": sum(1 for _ in walk(g)),
        "inputs": sum(1 for i in g.input if i.name not in inits),
        "outputs": len(g.output),
        "initializers": len(everything),
        "initializer_elements": int(sum(int(np.prod(t.dims, dtype=np.int64)) for t in everything)),
        "edges": count_edges(g, [], True),
        "op_types": sorted({op_name(n) for n in walk(g)}),
    }


def main():
    torch.manual_seed(0)
    export(SmallCnn(), torch.randn(2, 1, 28, 28), os.path.join(HERE, "small_cnn.onnx"), True)
    export(torchvision.models.resnet18(weights=None), torch.randn(1, 3, 224, 224),
           os.path.join(HERE, "resnet18.onnx"), False)
    helper_built(os.path.join(HERE, "helper_built.onnx"))
    result = {name: expected(os.path.join(HERE, name))
              for name in ("small_cnn.onnx", "resnet18.onnx", "helper_built.onnx")}
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(result, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main()
