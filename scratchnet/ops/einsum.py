"""einsum: any equation torch accepts, contracted by ``numpy.einsum(..., optimize=True)``.

The equation is first turned into integer labels, one list per operand (the "sublist" form), so
every later step works on plain lists:

1. parse: letters become labels, ``...`` becomes fresh labels for the broadcast dims (right-aligned
   across operands, as torch); the output is the explicit one after ``->`` or, implicitly, the
   ellipsis dims followed by the labels seen once, in alphabetical order;
2. broadcast: a dim of size 1 stretches to its label's size elsewhere (``expand``, whose backward
   sums it back);
3. contract: one :class:`Einsum` node.

Its backward is an einsum again (so second derivatives work): the gradient of operand ``i`` is
the output gradient contracted with every other operand, into operand ``i``'s labels. A label that
appears only in operand ``i`` is brought in by a vector of ones; a label repeated within operand
``i`` (a diagonal, as in ``"ii->i"``) gets a fresh label tied to it by an identity matrix.

>>> import scratchnet as sn
>>> a, b = sn.ones(2, 3), sn.ones(3, 4)
>>> einsum("ij,jk->ik", a, b).shape
scratchnet.Size([2, 4])
>>> einsum("ii", sn.eye(3)).item()
3.0
"""

import string

from ..backend import xp
from ..tensor import Function, Tensor, bool_

__all__ = ["einsum"]

_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # label k is _LETTERS[k]; ASCII order
_TORCH_TYPE = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "uint8": "Byte", "bool": "Bool"}


class Einsum(Function):
    """Contract ``operands`` with integer labels ``subs`` (one list each) into labels ``out``."""

    def forward(ctx, *arrays, subs, out):
        ctx.subs, ctx.out, ctx.sizes = subs, out, _label_sizes(arrays, subs)
        args = [x for pair in zip(arrays, subs) for x in pair]
        return xp.asarray(xp.einsum(*args, out, optimize=True))

    def backward(ctx, grad):
        operands = ctx.inputs
        return tuple(
            _operand_grad(grad, operands, ctx.subs, ctx.out, ctx.sizes, i) if need else None
            for i, need in enumerate(ctx.needs_input_grad)
        )


def _label_sizes(arrays, subs):
    return {label: n for a, s in zip(arrays, subs) for label, n in zip(s, a.shape)}


def _operand_grad(grad, operands, subs, out, sizes, i):
    """d(output)/d(operand i), contracted with ``grad``, as one more einsum."""
    fresh = iter(label for label in range(len(_LETTERS)) if label not in sizes)
    target, tensors, labels = [], [grad] + [t for j, t in enumerate(operands) if j != i], [out] + [s for j, s in enumerate(subs) if j != i]
    for label in subs[i]:
        if label in target:  # a repeated label: a fresh one, tied to it by the identity
            new = next(fresh)
            tensors.append(Tensor._make(xp.eye(sizes[label], dtype=grad.dtype)))
            labels.append([label, new])
            target.append(new)
        else:
            target.append(label)
    seen = {label for s in labels for label in s}
    for label in dict.fromkeys(subs[i]):
        if label not in seen:  # summed within operand i alone: its gradient is constant along it
            tensors.append(Tensor._make(xp.ones(sizes[label], dtype=grad.dtype)))
            labels.append([label])
    return Einsum.apply(*tensors, subs=labels, out=target)


# ----------------------------------------------------------------------------------------------
# Parsing torch's equation (or sublist) form into integer labels
# ----------------------------------------------------------------------------------------------


def _parse_term(term, offset, operand=None):
    """'ab...c' -> (labels with None marking the ellipsis, position error helper)."""
    labels, i = [], 0
    while i < len(term):
        ch = term[i]
        if ch == ".":
            if term[i : i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for operand {operand} that is not part of any ellipsis")
            if None in labels:
                raise RuntimeError(f"einsum(): found '.' for operand {operand} for which an ellipsis was already found")
            labels.append(None)
            i += 3
            continue
        if ch == " ":
            i += 1
            continue
        if ch not in _LETTERS:
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {offset + i} in the equation string, subscripts must be in [a-zA-Z]"
            )
        labels.append(_LETTERS.index(ch))
        i += 1
    return labels


def _parse(equation, operands):
    lhs, arrow, rhs = equation.partition("->")
    terms, offset = [], 0
    for k, term in enumerate(lhs.split(",")):
        terms.append(_parse_term(term, offset, k))
        offset += len(term) + 1
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    output = _parse_term(rhs, len(lhs) + 2, "output") if arrow else None
    return terms, output


def _from_sublists(args):
    """torch.einsum(op0, sublist0, op1, sublist1, ..., [out]) -> terms in label form."""
    output = None
    if len(args) % 2 == 1:
        output, args = [None if s is Ellipsis else int(s) for s in args[-1]], args[:-1]
    operands = list(args[0::2])
    terms = [[None if s is Ellipsis else int(s) for s in sub] for sub in args[1::2]]
    return operands, terms, output


def _resolve(terms, output, operands):
    """Replace ellipses by fresh labels, check dims, and settle the output labels."""
    used = {label for t in terms + [output or []] for label in t if label is not None}
    fresh = [label for label in range(len(_LETTERS)) if label not in used]
    ell_ndim = 0
    for k, (t, op) in enumerate(zip(terms, operands)):
        named = len([label for label in t if label is not None])
        if None in t:
            if named > op.ndim:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({named}) is more than the number of "
                    f"dimensions ({op.ndim}) for operand {k}"
                )
            ell_ndim = max(ell_ndim, op.ndim - named)
        elif named != op.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match the number of "
                f"dimensions ({op.ndim}) for operand {k} and no ellipsis was given"
            )
    ellipsis = fresh[:ell_ndim]
    subs = []
    for t, op in zip(terms, operands):
        n = op.ndim - len([label for label in t if label is not None])
        expanded = []
        for label in t:
            expanded.extend(ellipsis[ell_ndim - n :] if label is None else [label])
        subs.append(expanded)
    if output is None:
        counts = {}
        for s in terms:
            for label in s:
                if label is not None:
                    counts[label] = counts.get(label, 0) + 1
        out = ellipsis + sorted(label for label, c in counts.items() if c == 1)
    else:
        out = []
        for label in output:
            if label is None:
                out.extend(ellipsis)
                continue
            if label in out:
                raise RuntimeError(f"einsum(): output subscript {_LETTERS[label]} appears more than once in the output")
            if not any(label in s for s in subs):
                raise RuntimeError(f"einsum(): output subscript {_LETTERS[label]} does not appear in the equation for any input operand")
            out.append(label)
    return subs, out, ellipsis


def _broadcast(operands, subs, ellipsis):
    """Stretch size-1 dims to their label's size elsewhere (torch broadcasts them), or raise."""
    sizes = {}
    for k, (op, s) in enumerate(zip(operands, subs)):
        for label, n in zip(s, op.shape):
            if n != 1 and sizes.get(label, n) != n:
                if label in ellipsis:
                    raise RuntimeError(
                        f"einsum(): dimension {ellipsis.index(label)} covered by ellipsis in operand {k}has size {n} "
                        f"which does not broadcast with previously seen ellipsis with size {sizes[label]} for the "
                        f"respective dimension"
                    )
                raise RuntimeError(
                    f"einsum(): subscript {_LETTERS[label]} has size {n} for operand {k} which does not broadcast "
                    f"with previously seen size {sizes[label]}"
                )
            if n != 1:
                sizes[label] = n
    out = []
    for op, s in zip(operands, subs):
        target = tuple(sizes.get(label, 1) for label in s)
        out.append(op if tuple(op.shape) == target else op.expand(*target))
    return out


def einsum(equation, *operands):
    """Sums of products over the labelled dims of ``operands``, as ``torch.einsum``.

    ``equation`` names each operand's dims by letters (``"ij,jk->ik"``); ``...`` stands for broadcast
    dims; without ``->`` the output is the ellipsis dims then the letters seen once, sorted.
    A letter repeated within one operand takes its diagonal. Operands come as varargs or one list;
    the sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` works too.

    Shapes: each dim of a label has one size (or 1, which broadcasts). All operands share a dtype.

    >>> import scratchnet as sn
    >>> a = sn.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> sn.einsum("ij->j", a)
    tensor([4., 6.])
    >>> sn.einsum("ij,ij", [a, a]).item()
    30.0
    """
    if isinstance(equation, Tensor):
        operands, terms, output = _from_sublists((equation,) + operands)
    else:
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
        if not operands:
            raise ValueError(
                "einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list"
            )
        terms, output = _parse(equation, operands)
    for op in operands[1:]:
        if op.dtype != operands[0].dtype:
            raise RuntimeError(f"expected scalar type {_TORCH_TYPE[str(operands[0].dtype)]} but found {_TORCH_TYPE[str(op.dtype)]}")
    subs, out, ellipsis = _resolve(terms, output, operands)
    operands = _broadcast(list(operands), subs, ellipsis)
    if operands[0].dtype == bool_:
        arrays = [op.array.astype(xp.int64) for op in operands]
        return Tensor._make(xp.einsum(*[x for pair in zip(arrays, subs) for x in pair], out) != 0)
    return Einsum.apply(*operands, subs=subs, out=out)
