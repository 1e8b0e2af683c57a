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
from ..tensor import Function, Tensor, bool_, is_grad_enabled

__all__ = ["einsum"]

_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # label k is _LETTERS[k]; ASCII order


class Einsum(Function):
    """Contract ``operands`` with integer labels ``subs`` (one list each) into labels ``out``."""

    def forward(ctx, *arrays, subs, out):
        ctx.subs, ctx.out, ctx.sizes = subs, out, _label_sizes(arrays, subs)
        args = [x for pair in zip(arrays, subs) for x in pair]
        with xp.errstate(all="ignore"):
            return xp.asarray(xp.einsum(*args, out, optimize=len(arrays) > 1))

    def backward(ctx, grad):
        operands = ctx.inputs
        return tuple(
            _operand_grad(grad, operands, ctx.subs, ctx.out, ctx.sizes, i) if need else None
            for i, need in enumerate(ctx.needs_input_grad)
        )


def _torch_steps(operands, subs, out):
    """The contraction as torch does it (see :func:`_torch_dtype`), one :class:`Einsum` node a
    step, so NaN and inf meet the same zeros and sums as in torch, backward included: a label
    is summed within an operand where only that operand has it (a size-1 dim elsewhere is
    dropped, not multiplied in), then operands meet the running result one at a time."""
    if len(operands) == 1:
        return Einsum.apply(operands[0], subs=[subs[0]], out=out)
    sizes = [dict(zip(s, t.shape)) for s, t in zip(subs, operands)]
    last = {label: i for i, d in enumerate(sizes) for label, n in d.items() if n != 1}
    result, labels = None, []
    for i, (t, s) in enumerate(zip(operands, subs)):
        drop = {l for l in s if l not in out and (sizes[i][l] == 1 or (last.get(l) == i and l not in labels))}
        keep = [l for l in dict.fromkeys(s) if l not in drop]
        if drop or len(keep) < len(s):
            t = Einsum.apply(t, subs=[s], out=keep)
        if result is None:
            result, labels = t, keep
            continue
        summed = {l for l in keep if l in labels and last.get(l) == i and l not in out}
        new = [l for l in labels if l not in summed] + [l for l in keep if l not in labels]
        result, labels = Einsum.apply(result, t, subs=[labels, keep], out=new), new
    return result if labels == out else Einsum.apply(result, subs=[labels], out=out)


def _label_sizes(arrays, subs):
    """Each label's size: a size-1 dim broadcasts against the others (the engine's walk sums the
    gradient of a stretched dim back)."""
    sizes = {}
    for a, s in zip(arrays, subs):
        for label, n in zip(s, a.shape):
            if sizes.get(label, 1) == 1:
                sizes[label] = n
    return sizes


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
    seen = {label for t, s in zip(tensors, labels) for label, n in zip(s, t.shape) if n == sizes.get(label, n)}
    for label in dict.fromkeys(subs[i]):
        if label not in seen:  # summed within operand i alone (or size 1 elsewhere): the gradient is constant along it
            tensors.append(Tensor._make(xp.ones(sizes[label], dtype=grad.dtype)))
            labels.append([label])
    return Einsum.apply(*tensors, subs=labels, out=target)


# ----------------------------------------------------------------------------------------------
# The result dtype: torch's steps, followed on dtypes alone
# ----------------------------------------------------------------------------------------------


def _summed(dtype):
    return xp.dtype("int64") if dtype.kind in "iub" else dtype


def _torch_dtype(operands, subs, out):
    """The dtype torch's einsum gives, or its error. torch works left to right: a label whose
    last operand (with a size other than 1) is the first is summed there at once; then each
    operand in turn first sums the labels only it has, then meets the running result: labels
    summed by both are a ``bmm`` (one dtype, no bool kernel; an empty one takes the right
    operand's dtype), none is a ``mul`` (dtypes promote). Any sum of integers or bools is int64."""
    from ..dtypes import promote_types
    from .products import _T

    sizes = [dict(zip(s, op.shape)) for s, op in zip(subs, operands)]
    last = {label: i for i, d in enumerate(sizes) for label, n in d.items() if n != 1}
    if len(operands) == 1:
        return _summed(operands[0].dtype) if any(label not in out for label in sizes[0]) else operands[0].dtype
    dtype, grad = operands[0].dtype, operands[0].requires_grad
    kept = {label: n for label, n in sizes[0].items() if not (last.get(label) == 0 and label not in out)}
    if len(kept) < len(sizes[0]):
        dtype = _summed(dtype)
    for i in range(1, len(operands)):
        b, mine = operands[i].dtype, sizes[i]
        alone = [label for label, n in mine.items() if last.get(label) == i and label not in out and kept.get(label, 1) == 1]
        if alone:
            b = _summed(b)
        shared = [label for label, n in mine.items() if last.get(label) == i and label not in out and label not in alone]
        rest = {**{k: v for k, v in kept.items() if k not in shared}, **{k: v for k, v in mine.items() if k not in shared and k not in alone}}
        if not shared:
            dtype = promote_types(dtype, b)
        elif 0 in rest.values() or 0 in [mine[label] for label in shared]:
            dtype = b  # an empty bmm: zeros of the right operand's dtype
            if dtype.kind != "f" and (grad or operands[i].requires_grad) and is_grad_enabled():
                raise RuntimeError(f"Autograd not support dtype: {_T(dtype)}")
        elif dtype == bool_:
            raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
        elif dtype != b:
            raise RuntimeError(f"expected scalar type {_T(dtype)} but found {_T(b)}")
        grad = grad or operands[i].requires_grad
        kept = rest
    return dtype


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
        own = {}
        for label, n in zip(s, op.shape):
            if own.setdefault(label, n) != n:  # a diagonal needs equal sizes (no broadcasting)
                raise RuntimeError(
                    f"einsum(): subscript {_LETTERS[label]} is repeated for operand {k} but the sizes don't match, {n} != {own[label]}"
                )
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

    Shapes: each dim of a label has one size (or 1, which broadcasts). Dtypes follow torch's steps
    (see :func:`_torch_dtype`): a contraction needs one dtype, a plain product promotes, a sum
    within one operand turns integers into int64.

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
    subs, out, ellipsis = _resolve(terms, output, operands)
    _broadcast(list(operands), subs, ellipsis)  # checks the sizes first, as torch
    dtype = _torch_dtype(operands, subs, out)
    return contract([op if op.dtype == dtype else op.to(dtype) for op in operands], subs, out)


def contract(operands, subs, out):
    """Operands of one dtype, with integer labels ``subs`` (size-1 dims broadcast), into labels ``out``."""
    if operands[0].dtype == bool_:
        arrays = [op.array.astype(xp.int64) for op in _broadcast(list(operands), subs, [])]
        return Tensor._make(xp.einsum(*[x for pair in zip(arrays, subs) for x in pair], out) != 0)
    return _torch_steps(operands, subs, out)
