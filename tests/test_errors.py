"""Bad input gets one clear error that names what was expected and what came."""

import pytest
import torch

import scratchnet as sn


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        sn.ones(2, 3) @ sn.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"\(2x2x3 and 4\)"):
        sn.ones(2, 2, 3) @ sn.ones(4)


def test_matmul_dtype_mismatch_is_refused_like_torch():
    with pytest.raises(RuntimeError, match="same dtype.*float32 != float64"):
        sn.ones(2, 2) @ sn.ones(2, 2, dtype=sn.float64)
    with pytest.raises(RuntimeError):
        torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)


def test_broadcast_mismatch_names_the_dimension():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"):
        sn.ones(2, 3) + sn.ones(4)


def test_backward_on_non_scalar_needs_a_gradient():
    y = sn.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only for scalar outputs.*shape \(2, 3\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"grad_output has a shape of \(3,\) and output has a shape of \(2, 3\)"):
        y.backward(sn.ones(3))


def test_backward_on_a_tensor_without_graph():
    with pytest.raises(RuntimeError, match="does not require grad"):
        sn.ones(2).sum().backward()


def test_unsupported_dtypes_are_named():
    import numpy as np

    with pytest.raises(TypeError, match=r"does not support dtype float16; supported dtypes: float32, float64"):
        sn.tensor(np.ones(2, dtype=np.float16))
    with pytest.raises(TypeError, match="does not support dtype complex128"):
        sn.tensor([1 + 2j])
    with pytest.raises(RuntimeError, match=r"only Tensors of floating point dtype can require gradients \(got int64\)"):
        sn.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype.*Got: Long"):
        sn.tensor([1, 2]).mean()


def test_reshape_to_an_impossible_size():
    with pytest.raises(RuntimeError, match=r"shape '\[4, 2\]' is invalid for input of size 6"):
        sn.ones(2, 3).reshape(4, 2)
    with pytest.raises(RuntimeError, match=r"shape '\[4, -1\]' is invalid for input of size 6"):
        sn.ones(2, 3).view(4, -1)


def test_dims_out_of_range_and_bad_cats():
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        sn.ones(2, 3).sum(dim=2)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1"):
        sn.cat([sn.ones(2, 3), sn.ones(2, 4)])
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1"):
        sn.stack([sn.ones(2), sn.ones(3)])
    with pytest.raises(RuntimeError, match=r"expanded size of the tensor \(4\) must match the existing size \(3\)"):
        sn.ones(3).expand(2, 4)


def test_index_out_of_range_names_the_shape():
    with pytest.raises(IndexError, match=r"out of bounds.*shape \(3,\)"):
        sn.ones(3)[5]


def test_one_hot_errors():
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        sn.nn.functional.one_hot(sn.tensor([0, 3]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        sn.nn.functional.one_hot(sn.tensor([-1]), 3)


def test_numpy_on_a_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\)"):
        sn.ones(2, requires_grad=True).numpy()


def test_moving_to_cuda_is_refused_clearly():
    with pytest.raises(RuntimeError, match="scratchnet runs on the CPU"):
        sn.ones(2).to("cuda")


def test_gradcheck_reports_the_mismatch_and_requires_float64():
    from scratchnet.tensor import Function

    class WrongSquare(Function):
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x  # should be 2x

    x = sn.tensor([1.0, 2.0], dtype=sn.float64, requires_grad=True)
    with pytest.raises(sn.GradcheckError, match=r"Jacobian mismatch for output element 0 with respect to input 0.*\n.*numerical: 2\.0"):
        sn.gradcheck(WrongSquare.apply, (x,))
    assert sn.gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False
    assert sn.gradcheck(lambda t: t * t, (x,)) is True
    with pytest.raises(TypeError, match="need float64"):
        sn.gradcheck(lambda t: t * t, (sn.ones(2, requires_grad=True),))
