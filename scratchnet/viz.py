"""Draw the graph behind a tensor as Graphviz DOT text (and render it where ``dot`` exists).

Boxes are ops (their ``grad_fn`` names and output shapes); ellipses are leaf tensors (shape,
requires_grad, optionally values and gradients); edges run from each input to the op that used it,
the direction of the forward pass.

>>> import scratchnet as sn
>>> w = sn.ones(2, 2, requires_grad=True)
>>> dot = draw_graph((w @ sn.ones(2)).sum())
>>> print(dot.splitlines()[0])
digraph scratchnet {
>>> "MmBackward0" in dot and "SumBackward0" in dot and "(2, 2)" in dot
True
"""

import shutil
import subprocess

from .backend import xp
from .tensor import topological_order


def _label(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _values(array, limit=6):
    if array.size > limit:
        return f"|x|={float(xp.linalg.norm(array)):.4g}"
    return xp.array2string(array.ravel(), precision=4, separator=", ")


def draw_graph(tensor, show_values=False, show_grads=False, names=None):
    """DOT text of the graph that made ``tensor``.

    ``names`` maps labels to leaf tensors, e.g. ``dict(model.named_parameters())``;
    ``show_values`` / ``show_grads`` add small arrays (or their norms) to the leaves.
    """
    label_of = {id(t): n for n, t in (names or {}).items()}
    lines = ["digraph scratchnet {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    ids = {}

    def node_id(obj, prefix):
        key = id(obj)
        if key not in ids:
            ids[key] = f"{prefix}{len(ids)}"
        return ids[key]

    def leaf(t):
        nid = node_id(t, "t")
        if nid in drawn:
            return nid
        drawn.add(nid)
        text = label_of.get(id(t), "tensor")
        text += f"\n{tuple(t.shape)} {t.dtype}" + ("\nrequires_grad" if t.requires_grad else "")
        if show_values:
            text += "\nvalue " + _values(t.array)
        if show_grads and t.grad is not None:
            text += "\ngrad " + _values(t.grad.array)
        style = "filled" if t.requires_grad else "solid"
        lines.append(f'  {nid} [shape=ellipse, style={style}, fillcolor="#dbe9f6", label={_label(text)}];')
        return nid

    drawn = set()
    if tensor.grad_fn is None:
        leaf(tensor)
        return "\n".join(lines + ["}"])
    order = topological_order([tensor.grad_fn])
    for node in order:
        nid = node_id(node, "f")
        text = node.name() + "\n" + str(getattr(node, "out_shape", ""))
        lines.append(f'  {nid} [shape=box, style="rounded,filled", fillcolor="#f6e3c5", label={_label(text)}];')
    for node in order:
        for t in node.inputs:
            source = node_id(t.grad_fn, "f") if t.grad_fn is not None else leaf(t)
            lines.append(f"  {source} -> {node_id(node, 'f')};")
    out = leaf_output(tensor, node_id(tensor.grad_fn, "f"), show_values, show_grads)
    return "\n".join(lines + out + ["}"])


def leaf_output(tensor, source, show_values, show_grads):
    text = f"output\n{tuple(tensor.shape)}"
    if show_values:
        text += "\nvalue " + _values(tensor.array)
    return [f'  out [shape=ellipse, style=bold, label={_label(text)}];', f"  {source} -> out;"]


def render(dot_text, path, format=None):
    """Write ``dot_text`` as an image (format from the suffix: svg, png, pdf) with Graphviz's ``dot``.

    Returns the path, or raises RuntimeError when the ``dot`` executable is not installed.
    """
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError("Graphviz's `dot` executable is not installed (apt-get install graphviz); the DOT text itself needs nothing")
    format = format or path.rsplit(".", 1)[-1]
    subprocess.run([exe, f"-T{format}", "-o", path], input=dot_text.encode(), check=True)
    return path
