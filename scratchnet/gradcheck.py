"""Finite-difference checks of gradients, in the spirit of ``torch.autograd.gradcheck``.

The numerical Jacobian comes from central differences, (f(x + eps) - f(x - eps)) / 2 eps, one
input element at a time; the analytical one from one backward pass per output element. They must
agree within ``atol + rtol * |numerical|`` everywhere. Inputs must be float64: in float32 the
rounding error of a difference quotient swamps the derivative.

>>> import scratchnet as sn
>>> x = sn.randn(3, dtype=sn.float64, requires_grad=True)
>>> sn.gradcheck(lambda t: (t * t).sum(), (x,))
True
"""

from .backend import xp
from .tensor import Tensor, enable_grad, float64, no_grad, run_backward


class GradcheckError(RuntimeError):
    """The analytical and numerical Jacobians disagree; the message says where."""


def _outputs(fn, inputs):
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(out)


def numerical_jacobian(fn, inputs, i, eps):
    """d(all outputs, flattened)/d(inputs[i], flattened) by central differences: shape (n_in, n_out)."""
    if not inputs[i].array.flags.c_contiguous:
        inputs[i].array = xp.ascontiguousarray(inputs[i].array)
    flat = inputs[i].array.reshape(-1)  # a view: perturbing it perturbs the input
    rows = []
    with no_grad():
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            plus = xp.concatenate([o.array.reshape(-1).astype(float64) for o in _outputs(fn, inputs)])
            flat[k] = orig - eps
            minus = xp.concatenate([o.array.reshape(-1).astype(float64) for o in _outputs(fn, inputs)])
            flat[k] = orig
            rows.append((plus - minus) / (2 * eps))
        if not rows:  # an empty input: a Jacobian with no rows
            return xp.zeros((0, sum(o.numel() for o in _outputs(fn, inputs))))
    return xp.stack(rows)


def analytical_jacobian(fn, inputs, i):
    """The same Jacobian from scratchnet's backward, one output element at a time."""
    outputs = [o for o in _outputs(fn, inputs)]
    sizes = [o.numel() for o in outputs]
    cols = []
    for j, o in enumerate(outputs):
        for k in range(o.numel()):
            if not o.requires_grad:
                cols.append(xp.zeros(inputs[i].numel()))
                continue
            seed = xp.zeros(o.numel(), dtype=o.dtype)
            seed[k] = 1
            found = run_backward([o], [Tensor._make(seed.reshape(o.shape))], inputs=[inputs[i]], retain_graph=True)
            g = found.get(id(inputs[i]))
            cols.append(xp.zeros(inputs[i].numel()) if g is None else g[1].array.reshape(-1).astype(float64))
    return xp.stack(cols, axis=1) if cols else xp.zeros((inputs[i].numel(), sum(sizes)))


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check ``fn``'s gradients with respect to every input that requires grad.

    Returns True, or raises :class:`GradcheckError` naming the input, the output element, the input
    element and both values at the first mismatch (returns False instead with
    ``raise_exception=False``).
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in checked:
        if inputs[i].dtype != float64:
            raise TypeError(
                f"gradcheck: input {i} requires grad and is {inputs[i].dtype}; finite differences "
                f"need float64 (use .double())"
            )
    for i in checked:
        numerical = numerical_jacobian(fn, inputs, i, eps)
        analytical = analytical_jacobian(fn, inputs, i)
        bad = ~(xp.abs(analytical - numerical) <= atol + rtol * xp.abs(numerical))
        if bad.any():
            k, j = (int(v) for v in xp.argwhere(bad)[0])
            message = (
                f"Jacobian mismatch for output element {j} with respect to input {i} "
                f"(shape {tuple(inputs[i].shape)}), element {tuple(int(v) for v in xp.unravel_index(k, inputs[i].shape))}:\n"
                f"numerical: {float(numerical[k, j])!r}\nanalytical: {float(analytical[k, j])!r}\n"
                f"(atol={atol}, rtol={rtol}; {int(bad.sum())} of {bad.size} entries differ)"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """Check second derivatives: the gradient of ``fn`` (a vector-Jacobian product with
    ``grad_outputs``, random float64 vectors by default) must itself match finite differences,
    with respect to the inputs and to ``grad_outputs``, as ``torch.autograd.gradgradcheck``.

    >>> import scratchnet as sn
    >>> x = sn.randn(3, dtype=sn.float64, requires_grad=True)
    >>> sn.gradgradcheck(lambda t: (t ** 3).sum(), (x,))
    True
    """
    from .autograd import grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outputs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = xp.random.default_rng(seed)
        grad_outputs = [Tensor._make(rng.standard_normal(o.shape)) for o in outputs]
    grad_outputs = [Tensor._make(xp.array(g.array, dtype=float64)).requires_grad_() for g in grad_outputs]
    n = len(inputs)

    def first_derivatives(*args):
        with enable_grad():  # the numerical pass runs without recording; this needs the graph
            return _first_derivatives(args)

    def _first_derivatives(args):
        xs, vs = args[:n], args[n:]
        outs = [o for o in _outputs(fn, xs)]
        pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        wanted = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        if not pairs:
            return tuple(Tensor._make(xp.zeros(x.shape)) for x in wanted)
        grads = grad([o for o, _ in pairs], wanted, [v for _, v in pairs], create_graph=True, allow_unused=True)
        return tuple(Tensor._make(xp.zeros(x.shape)) if g is None else g for g, x in zip(grads, wanted))

    return gradcheck(first_derivatives, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
