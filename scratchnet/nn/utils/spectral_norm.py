"""``torch.nn.utils.spectral_norm`` (the hook-based form): ``W_SN = W / sigma(W)``.

``sigma(W)``, the largest singular value of ``W`` (reshaped to a matrix with ``dim`` first), is
estimated by power iteration: vectors ``u`` (buffer ``weight_u``) and ``v`` (``weight_v``),
drawn from the normal distribution when the hook is applied (``u`` first, then ``v``: the same
seed gives torch's numbers), are refined once per forward in training mode:

    v <- normalize(W^T u)      u <- normalize(W v)      sigma = u . (W v)

The parameter ``weight`` becomes ``weight_orig``; ``weight`` is recomputed before each forward.

>>> import scratchnet as sn
>>> import scratchnet.nn as nn
>>> m = spectral_norm(nn.Linear(20, 40))
>>> m.weight_u.shape, list(m.state_dict())
(scratchnet.Size([40]), ['bias', 'weight_orig', 'weight_u', 'weight_v'])
"""

from ...tensor import no_grad
from ..functional import normalize
from ..module import Parameter

__all__ = ["SpectralNorm", "remove_spectral_norm", "spectral_norm"]


def _write(buffer, value):
    """``out=`` of torch's normalize: the values go into the buffer, whose version moves on."""
    buffer.array[...] = value.array
    buffer._version_counter[0] += 1
    return buffer


class SpectralNorm:
    """The forward pre-hook that :func:`spectral_norm` registers."""

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name, self.dim, self.eps = name, dim, eps
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations

    def reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *[d for d in range(weight.dim()) if d != self.dim])
        return weight.reshape(weight.size(0), -1)

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v = _write(v, normalize(weight_mat.t().mv(u), dim=0, eps=self.eps))
                    u = _write(u, normalize(weight_mat.mv(v), dim=0, eps=self.eps))
                u, v = u.clone(), v.clone()
        sigma = u.dot(weight_mat.mv(v))
        return weight / sigma

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        with no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            u = normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def _default_dim(module, dim):
    if dim is not None:
        return dim
    from .. import conv

    transposed = tuple(getattr(conv, n) for n in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d") if hasattr(conv, n))
    return 1 if isinstance(module, transposed) else 0


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its spectral norm (largest singular value), estimated by
    ``n_power_iterations`` steps of power iteration at each forward in training mode.

    Args:
        module (nn.Module): the module; name (str): the parameter;
        n_power_iterations (int): power-iteration steps per forward;
        eps (float): the smallest norm divided by when normalizing ``u`` and ``v``;
        dim (int, optional): the output dim (default 0; 1 for ConvTranspose modules).

    Returns the module, with parameter ``<name>_orig`` and buffers ``<name>_u``, ``<name>_v``.

    >>> import scratchnet as sn
    >>> import scratchnet.nn as nn
    >>> _ = sn.manual_seed(0)
    >>> m = spectral_norm(nn.Linear(4, 4), n_power_iterations=30)
    >>> _ = m(sn.ones(1, 4))
    >>> round(sn.linalg.matrix_norm(m.weight.detach(), ord=2).item(), 3)
    1.0
    """
    SpectralNorm.apply(module, name, n_power_iterations, _default_dim(module, dim), eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo :func:`spectral_norm`: ``<name>`` is a Parameter again, holding ``W / sigma``.

    >>> import scratchnet.nn as nn
    >>> m = remove_spectral_norm(spectral_norm(nn.Linear(3, 2)))
    >>> list(m.state_dict())
    ['bias', 'weight']
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
