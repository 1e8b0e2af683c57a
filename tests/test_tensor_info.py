"""Tensor predicates and legacy methods (scratchnet/ops/tensor_info.py), against torch."""

import pytest
import torch

import scratchnet as sn

from scratchnet.ops.tensor_info import _NEVER


@pytest.mark.parametrize("name", _NEVER)
def test_dense_cpu_predicates_as_torch(name):
    assert getattr(sn.ones(2), name) is getattr(torch.ones(2), name) is False


@pytest.mark.parametrize("make", [lambda lib: lib.ones(2, 3, 4), lambda lib: lib.ones(2, 3, 4).permute(2, 0, 1),
                                  lambda lib: lib.ones(2, 1, 3).transpose(0, 2), lambda lib: lib.ones(4)[::2], lambda lib: lib.tensor(1.0),
                                  lambda lib: lib.ones(2, 3, 4, 5).permute(0, 2, 3, 1), lambda lib: lib.ones(1, 3, 1, 2).permute(3, 1, 0, 2),
                                  lambda lib: lib.ones(3, 1).expand(3, 4), lambda lib: lib.ones(2, 2, 2)[:, ::2].transpose(1, 2)])
def test_dim_order_as_torch(make):
    assert make(sn).dim_order() == make(torch).dim_order()


@pytest.mark.parametrize("args", [(), (2, 3), ([1, 2],), ((4, 5),), ("size",), ("tensor",)])
def test_legacy_new_as_torch(args):
    def run(lib):
        x = lib.ones(2, dtype=lib.float64)
        real = tuple(lib.Size([3, 1]) if a == "size" else x * 2 if a == "tensor" else a for a in args)
        out = x.new(*real)
        return tuple(out.shape), str(out.dtype).split(".")[-1], (out.tolist() if args and args[0] != "size" and args != (2, 3) else None)

    assert run(sn) == run(torch)


def test_set_map_and_as_subclass_as_torch():
    def run(lib):
        a, b = lib.ones(3), lib.tensor([4.0, 5.0])
        before = a.is_set_to(b)
        a.set_(b)
        b[1] = -1.0
        z = lib.zeros(3)
        z.map_(lib.tensor([1.0, 2.0, 3.0]), lambda u, v: u + v * 10)
        z.map2_(lib.ones(3), lib.tensor(2.0), lambda u, v, w: u * w - v)
        w = lib.ones(2, requires_grad=True)
        p = (w * 3).as_subclass(lib.nn.Parameter)
        p.sum().backward()
        return before, a.is_set_to(b), a.tolist(), z.tolist(), type(p).__name__, w.grad.tolist(), lib.ones(2).set_().shape[0]

    assert run(sn) == run(torch)
    with pytest.raises(NotImplementedError, match="set_"):
        sn.ones(2).set_(sn.ones(4), 0, (2,), (2,))
    with pytest.raises(RuntimeError, match="Could not set"):
        sn.ones(2).set_(sn.ones(2, dtype=sn.float64))
    x = sn.ones(3)
    assert x.const_data_ptr() == x.data_ptr() and x[1:].const_data_ptr() == x.data_ptr() + 4
