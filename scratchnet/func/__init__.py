"""``scratchnet.func``, as ``torch.func``: composable function transforms.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and
``functional_call`` (scratchnet/func/eager.py) run on scratchnet's reverse-mode autograd;
``vmap`` (scratchnet/func/vmap.py) loops over the mapped dim. Not provided: ``functionalize``,
``linearize``, ``stack_module_state``, ``replace_all_batch_norm_modules_``, ``debug_unwrap``.

>>> import scratchnet as sn
>>> per_sample = vmap(grad(lambda w, x: (w * x).sum() ** 2), in_dims=(None, 0))
>>> per_sample(sn.tensor([1.0, 1.0]), sn.tensor([[1.0, 0.0], [1.0, 1.0]]))
tensor([[2., 0.],
        [4., 4.]])
"""

from .eager import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from .vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp", "vmap"]
