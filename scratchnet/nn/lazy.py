"""Lazy modules: layers whose input size is read from their first input.

``LazyLinear(out_features)`` is a Linear whose ``in_features`` is not given: its weight is an
:class:`~scratchnet.nn.parameter.UninitializedParameter` until the first forward, where a
forward pre-hook reads the size from the input, materializes the parameters, initialises them
with the eager module's own ``reset_parameters`` (the same init calls in the same order, so the
same seed gives torch's weights) and turns the module into a plain ``Linear``. The parameter
objects stay the same, so an optimizer made before the first forward trains them.
``load_state_dict`` into a lazy module materializes its placeholders with the checkpoint's shapes.

>>> import scratchnet as sn
>>> m = LazyLinear(3)
>>> m
LazyLinear(in_features=0, out_features=3, bias=True)
>>> m(sn.randn(2, 5)).shape, m
(scratchnet.Size([2, 3]), Linear(in_features=5, out_features=3, bias=True))
"""

import itertools

from ..tensor import no_grad
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .layers import BatchNorm1d, BatchNorm2d, BatchNorm3d, Linear
from .normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .parameter import UninitializedBuffer, UninitializedParameter, is_lazy


class LazyModuleMixin:
    """Makes a module lazy: subclasses write ``initialize_parameters(*args, **kwargs)`` (which
    materializes the placeholders from the first input) and name ``cls_to_become``, the eager
    class the module turns into once initialized.

    >>> m = LazyLinear(2)
    >>> isinstance(m, LazyModuleMixin), m.has_uninitialized_params()
    (True, True)
    """

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        """Materialize each placeholder that the checkpoint has a real tensor for, in its shape."""
        for name, tensor in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and tensor is not None and is_lazy(tensor) and not is_lazy(state_dict[key]):
                with no_grad():
                    tensor.materialize(tuple(state_dict[key].shape))

    def initialize_parameters(self, *args, **kwargs):
        """Materialize and initialise the parameters from the first input (subclasses)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")

    def has_uninitialized_params(self):
        """Whether a parameter or buffer of this module is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(), self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        del module.__dict__["_initialize_hook"], module.__dict__["_load_hook"]
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError(
            "Modules with uninitialized parameters can't be used with `DataParallel`. "
            "Run a dummy forward pass to correctly initialize the modules"
        )


def _placeholder(kwargs):
    return UninitializedParameter(device=kwargs.get("device"), dtype=kwargs.get("dtype"))


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose ``in_features`` is the last dimension of its first input.

    ``nn.LazyLinear(out_features, bias=True)``; weight and bias initialised as Linear's.

    >>> import scratchnet as sn
    >>> LazyLinear(4)(sn.randn(3, 7)).shape
    scratchnet.Size([3, 4])
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False, device=device, dtype=dtype)  # no bias yet: none to throw away
        self.weight = _placeholder({"device": device, "dtype": dtype})
        self.out_features = out_features
        if bias:
            self.bias = _placeholder({"device": device, "dtype": dtype})

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


class _LazyConvXdMixin(LazyModuleMixin):
    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                if self.transposed:
                    self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
                else:
                    self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()

    def _get_in_channels(self, input):
        unbatched, batched = self.dims + 1, self.dims + 2
        if input.ndim not in (unbatched, batched):
            raise RuntimeError(
                f"Expected {unbatched}D (unbatched) or {batched}D (batched) input to {type(self).__name__}, "
                f"but got input of size: {input.shape}"
            )
        return input.shape[1] if input.ndim == batched else input.shape[0]

    def _lazy_init(self, out_channels, bias, device, dtype):
        self.weight = _placeholder({"device": device, "dtype": dtype})
        self.out_channels = out_channels
        if bias:
            self.bias = _placeholder({"device": device, "dtype": dtype})


class LazyConv1d(_LazyConvXdMixin, Conv1d):
    """A Conv1d whose ``in_channels`` is read from its first input.

    ``nn.LazyConv1d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
    bias=True, padding_mode='zeros')``.

    >>> import scratchnet as sn
    >>> LazyConv1d(4, 3)(sn.randn(2, 5, 9)).shape
    scratchnet.Size([2, 4, 7])
    """

    cls_to_become = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self._lazy_init(out_channels, bias, device, dtype)


class LazyConv2d(_LazyConvXdMixin, Conv2d):
    """A Conv2d whose ``in_channels`` is read from its first input.

    ``nn.LazyConv2d(out_channels, kernel_size, ...)``, the other arguments as Conv2d's.

    >>> import scratchnet as sn
    >>> LazyConv2d(4, 3, padding=1)(sn.randn(2, 5, 6, 6)).shape
    scratchnet.Size([2, 4, 6, 6])
    """

    cls_to_become = Conv2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self._lazy_init(out_channels, bias, device, dtype)


class LazyConv3d(_LazyConvXdMixin, Conv3d):
    """A Conv3d whose ``in_channels`` is read from its first input.

    ``nn.LazyConv3d(out_channels, kernel_size, ...)``, the other arguments as Conv3d's.

    >>> import scratchnet as sn
    >>> LazyConv3d(4, 2)(sn.randn(1, 3, 3, 3, 3)).shape
    scratchnet.Size([1, 4, 2, 2, 2])
    """

    cls_to_become = Conv3d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self._lazy_init(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode, device, dtype)
        self._lazy_init(out_channels, bias, device, dtype)


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ConvTranspose1d whose ``in_channels`` is read from its first input.

    ``nn.LazyConvTranspose1d(out_channels, kernel_size, stride=1, padding=0, output_padding=0,
    groups=1, bias=True, dilation=1)``.

    >>> import scratchnet as sn
    >>> LazyConvTranspose1d(4, 3, stride=2)(sn.randn(2, 5, 4)).shape
    scratchnet.Size([2, 4, 9])
    """

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ConvTranspose2d whose ``in_channels`` is read from its first input.

    ``nn.LazyConvTranspose2d(out_channels, kernel_size, ...)``, the other arguments as ConvTranspose2d's.

    >>> import scratchnet as sn
    >>> LazyConvTranspose2d(4, 3)(sn.randn(1, 5, 2, 2)).shape
    scratchnet.Size([1, 4, 4, 4])
    """

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ConvTranspose3d whose ``in_channels`` is read from its first input.

    ``nn.LazyConvTranspose3d(out_channels, kernel_size, ...)``, the other arguments as ConvTranspose3d's.

    >>> import scratchnet as sn
    >>> LazyConvTranspose3d(2, 2)(sn.randn(1, 3, 2, 2, 2)).shape
    scratchnet.Size([1, 2, 3, 3, 3])
    """

    cls_to_become = ConvTranspose3d


class _LazyNormBase(LazyModuleMixin):
    """A norm layer whose ``num_features`` is ``input.shape[1]`` of its first input (as torch's,
    also for an unbatched input); affine parameters and running statistics start as placeholders."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype)  # nothing made yet
        from .. import creation

        self.affine, self.track_running_stats, self.has_bias = affine, track_running_stats, bias
        if affine:
            self.weight = _placeholder({"device": device, "dtype": dtype})
            if bias:
                self.bias = _placeholder({"device": device, "dtype": dtype})
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = creation.tensor(0, device=device)

    def reset_parameters(self):
        """Running statistics to (0, 1, 0 batches), weight to 1 and bias to 0, as torch's norms."""
        if self.has_uninitialized_params() or self.num_features == 0:
            return
        if self.track_running_stats:
            self.running_mean.array[...] = 0
            self.running_var.array[...] = 1
            self.num_batches_tracked.array[...] = 0
        if self.affine:
            self.weight.array[...] = 1
            if self.bias is not None:
                self.bias.array[...] = 0

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    if self.bias is not None:
                        self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
                self.reset_parameters()


def _lazy_norm_doc(eager, example_shape):
    article = "An" if eager.__name__[0] in "AEIOU" else "A"
    return (f"{article} {eager.__name__} whose ``num_features`` is read from its first input.\n\n"
            f"    ``nn.Lazy{eager.__name__}(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``.\n\n"
            f"    >>> import scratchnet as sn\n"
            f"    >>> m = Lazy{eager.__name__}(); _ = m(sn.randn{example_shape}); m.num_features\n    3\n    ")


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    __doc__ = _lazy_norm_doc(BatchNorm1d, "(4, 3)")
    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    __doc__ = _lazy_norm_doc(BatchNorm2d, "(2, 3, 4, 4)")
    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    __doc__ = _lazy_norm_doc(BatchNorm3d, "(2, 3, 2, 2, 2)")
    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    __doc__ = _lazy_norm_doc(InstanceNorm1d, "(2, 3, 5)")
    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    __doc__ = _lazy_norm_doc(InstanceNorm2d, "(2, 3, 4, 4)")
    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    __doc__ = _lazy_norm_doc(InstanceNorm3d, "(2, 3, 2, 2, 2)")
    cls_to_become = InstanceNorm3d


__all__ = [
    "LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
    "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
]
