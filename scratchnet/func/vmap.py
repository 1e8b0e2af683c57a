"""``torch.func.vmap``, by a loop: ``func`` runs once per index of the mapped dims and the results
are stacked.

    vmap(f, in_dims=0, out_dims=0)(x)[i] == f(x[i])     (x mapped along in_dims, outputs stacked at out_dims)

torch batches the computation (one call of ``func`` on batched tensors); scratchnet calls
``func`` once per slice, which gives the same values and gradients flow through the stack, at
the cost of a Python loop over the batch. Random operations inside ``func``:
``randomness="error"`` raises torch's error; ``"same"`` gives every slice the same random
numbers (the generator is rewound before each slice); ``"different"`` raises
NotImplementedError, since per-slice draws cannot reproduce torch's batched draws.

>>> import scratchnet as sn
>>> vmap(lambda row: row.dot(sn.tensor([1.0, 2.0])))(sn.tensor([[1.0, 1.0], [0.0, 3.0]]))
tensor([3., 6.])
"""

from .. import creation
from ..ops import stack
from ..tensor import Tensor
from ._tree import tree_flatten, tree_unflatten

__all__ = ["vmap"]


def _name(func):
    return getattr(func, "__name__", repr(func))


def _leaf_dims(args, in_dims, name):
    """One in_dim per leaf of ``args`` (in_dims: an int/None for all, or a tuple over args whose
    items are an int/None or a structure matching that argument)."""
    leaves, spec = tree_flatten(list(args))
    if in_dims is None or isinstance(in_dims, int):
        return leaves, spec, [in_dims] * len(leaves)
    if not isinstance(in_dims, (tuple, list)) or len(in_dims) != len(args):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                         f"structure of `inputs`. in_dims has structure {in_dims} but inputs has {len(args)} arguments.")
    dims = []
    for arg, d in zip(args, in_dims):
        arg_leaves, _ = tree_flatten(arg)
        if d is None or isinstance(d, int):
            dims.extend([d] * len(arg_leaves))
        else:
            d_leaves, _ = tree_flatten(d)
            if len(d_leaves) != len(arg_leaves):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                                 "structure of `inputs`.")
            dims.extend(d_leaves)
    return leaves, spec, dims


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Map ``func`` over a dim of its inputs.

    Args:
        func: a function of Tensors (or nested tuples/lists/dicts of them) returning Tensors.
        in_dims: the dim mapped in each input (an int for all, or a tuple with one entry per
            positional argument; ``None``: not mapped, passed whole to every call).
        out_dims: where the mapped dim goes in each output (an int, or a tuple per output;
            ``None`` for an output that is the same for every slice: the first slice's is given).
        randomness: ``"error"`` (default), ``"same"`` or ``"different"`` (see the module notes).
        chunk_size: accepted for torch's signature (the loop already runs one slice at a time).

    Keyword arguments to the mapped function are passed whole (not mapped), as in torch.

    >>> import scratchnet as sn
    >>> x, w = sn.ones(3, 2), sn.tensor([[1.0], [2.0]])
    >>> vmap(lambda a, b: a @ b, in_dims=(0, None))(x, w).shape
    scratchnet.Size([3, 1])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    name = _name(func)

    def wrapped(*args, **kwargs):
        from .. import random

        leaves, spec, dims = _leaf_dims(args, in_dims, name)
        size = None
        sizes = []
        for x, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(d, int):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims must be int or None, got {d}")
            if not isinstance(x, Tensor):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but the "
                                 f"input is of type {type(x)}. We cannot vmap over non-Tensor arguments, please use "
                                 "None as the respective in_dim")
            if not -x.ndim <= d < max(x.ndim, 1) or x.ndim == 0:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                                 f"that input is a Tensor of dimensionality {x.ndim} so expected in_dim to satisfy "
                                 f"-{x.ndim} <= in_dim < {x.ndim}.")
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input must be a Tensor mapped "
                             "over (got only unmapped inputs: in_dims None or no Tensors).")
        if len(set(sizes)) != 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        size = sizes[0]
        state = random.get_rng_state()
        outs = []
        for i in range(max(size, 1)):
            if randomness == "same":
                random.set_rng_state(state)
            before = random.get_rng_state() if randomness != "same" else None
            if size:
                sliced = [x.select(d, i) if d is not None else x for x, d in zip(leaves, dims)]
            else:  # an empty batch: one call on zeros, for the outputs' shapes only
                sliced = [creation.zeros(*(s for k, s in enumerate(x.shape) if k != d % x.ndim), dtype=x.dtype)
                          if d is not None else x for x, d in zip(leaves, dims)]
            out = func(*tree_unflatten(sliced, spec), **kwargs)
            if before is not None and not bool((random.get_rng_state() == before).all()):
                if randomness == "error":
                    raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use "
                                       "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                                       "operation out of vmap")
                raise NotImplementedError("vmap(randomness='different'): scratchnet's vmap runs the function once per "
                                          "slice and cannot reproduce torch's batched random draws; draw the random "
                                          "tensor outside vmap and pass it in with in_dims")
            outs.append(out)
        if size == 0:
            random.set_rng_state(state)
        flat0, out_spec = tree_flatten(outs[0])
        per_out = [tree_flatten(o)[0] for o in outs]
        if isinstance(out_dims, (tuple, list)):
            od = tree_flatten(out_dims)[0]
            if len(od) != len(flat0):
                raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with the "
                                 f"structure of `outputs`. out_dims has {len(od)} entries but outputs has {len(flat0)}.")
        else:
            od = [out_dims] * len(flat0)
        results = []
        for j, d in enumerate(od):
            column = [p[j] for p in per_out]
            if d is None:
                results.append(column[0])
                continue
            for c in column:
                if not isinstance(c, Tensor):
                    raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(c)}. Did you "
                                     "mean to set out_dims= to None for output?")
            stacked = stack(column, dim=d)
            if size == 0:
                stacked = stacked.narrow(d, 0, 0)
            results.append(stacked)
        return tree_unflatten(results, out_spec)

    return wrapped
