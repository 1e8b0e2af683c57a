"""torch's platform namespace in scratchnet: devices, cuda/accelerator/backends answering as a
GPU-less torch, Module.to/cuda/share_memory (hogwild across processes), threads, inference_mode,
compile, autocast and testing.assert_close (messages compared with torch's)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn
import scratchnet.multiprocessing as smp
from scratchnet import nn
from scratchnet._device import parse_device
from tests import mp_workers


@pytest.mark.parametrize("args", [("cpu",), ("cpu:0",), ("cuda",), ("cuda:1",), ("cuda", 2), ("mps",), ("meta",), (0,), ("cpu", 0)])
def test_device_objects_equal_torchs(args):
    ours, theirs = sn.device(*args), torch.device(*args)
    assert repr(ours) == repr(theirs) and str(ours) == str(theirs)
    assert (ours.type, ours.index) == (theirs.type, theirs.index)
    assert ours == sn.device(*args) and hash(ours) == hash(sn.device(*args)) and sn.device(ours) == ours
    assert (ours == sn.device("cpu")) == (theirs == torch.device("cpu"))
    assert (ours == str(ours)) == (theirs == str(theirs))  # a device never equals a string


@pytest.mark.parametrize("args", [("foo",), ("cuda:x",), ("cpu:-1",), ("cuda:0:1",), ("cuda", -1), ("cuda:0", 1), (1.5,)])
def test_bad_devices_raise_torchs_errors(args):
    with pytest.raises(Exception) as theirs:
        torch.device(*args)
    with pytest.raises(type(theirs.value)) as ours:
        sn.device(*args)
    assert str(theirs.value).startswith(str(ours.value).split(" - got")[0])


def test_tensors_live_on_the_cpu_and_other_devices_are_refused():
    t = sn.ones(2)
    assert t.device == sn.device("cpu") and repr(t.device) == "device(type='cpu')" and not t.is_cuda
    assert nn.Linear(2, 2).weight.device == sn.device("cpu")
    assert parse_device("cpu") == parse_device(sn.device("cpu:0")).__class__("cpu", 0).__class__("cpu")
    assert parse_device(sn.float32) is None and parse_device(None) is None and parse_device(t) is None
    for gpu in ("cuda", "cuda:0", sn.device("cuda", 1), 0):
        with pytest.raises(RuntimeError, match="Found no NVIDIA driver"):
            parse_device(gpu)
    with pytest.raises(RuntimeError, match="not linked with support for mps"):
        parse_device("mps")
    for method in ("cuda", "pin_memory"):
        with pytest.raises(RuntimeError) as theirs:
            getattr(torch.ones(2), method)()
        with pytest.raises(RuntimeError, match=str(theirs.value)[:60]):
            getattr(t, method)()
    assert t.is_pinned() is torch.ones(2).is_pinned() is False and t.get_device() == torch.ones(2).get_device() == -1


def test_gpu_namespaces_answer_as_a_gpu_less_torch():
    assert sn.cuda.is_available() == torch.cuda.is_available() is False
    assert sn.cuda.device_count() == torch.cuda.device_count() == 0
    assert sn.cuda.is_initialized() is False and sn.accelerator.is_available() is False
    assert sn.accelerator.current_accelerator() is None and sn.backends.mps.is_available() is False
    assert sn.cuda.manual_seed(1) is None and sn.cuda.manual_seed_all(1) is None and sn.cuda.empty_cache() is None
    with pytest.raises(RuntimeError) as theirs:
        torch.cuda.current_device()
    with pytest.raises(RuntimeError, match=str(theirs.value)[:40]):
        sn.cuda.current_device()
    sn.backends.cudnn.deterministic, sn.backends.cudnn.benchmark = True, False
    assert sn.backends.cudnn.enabled is True
    sn.set_default_device("cpu"), sn.set_default_device(None)
    assert sn.get_default_device() == sn.device("cpu") and repr(sn.get_default_device()) == repr(torch.get_default_device())
    with pytest.raises(RuntimeError, match="Found no NVIDIA driver"):
        sn.set_default_device("cuda")
    device = sn.device("cuda" if sn.cuda.is_available() else "cpu")  # the idiom every program starts with
    assert device.type == "cpu"
    use_accel = sn.accelerator.is_available()
    assert (sn.accelerator.current_accelerator() if use_accel else sn.device("cpu")) == sn.device("cpu")


def test_module_to_casts_in_place_and_refuses_what_torch_refuses():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    weight = net[0].weight
    net(sn.ones(4, 2)).sum().backward()
    assert net.to(sn.device("cpu")) is net and net.to("cpu") is net and net.cpu() is net
    net.to(sn.float64)
    assert net[0].weight is weight and weight.dtype == sn.float64 and weight.grad.dtype == sn.float64
    assert net[1].running_mean.dtype == sn.float64 and net[1].num_batches_tracked.dtype == sn.int64
    net.to("cpu", sn.float32)
    assert weight.dtype == sn.float32
    net.to(sn.zeros(1, dtype=sn.float64))
    assert weight.dtype == sn.float64
    net.to(device="cpu", dtype=sn.float32)
    assert weight.dtype == sn.float32
    with pytest.raises(TypeError) as theirs:
        torch.nn.Linear(1, 1).to(torch.int64)
    with pytest.raises(TypeError) as ours:
        net.to(sn.int64)
    assert str(ours.value) == str(theirs.value).replace("torch.", "scratchnet.")
    with pytest.raises(RuntimeError, match="Found no NVIDIA driver"):
        net.cuda()
    with pytest.raises(RuntimeError, match="Found no NVIDIA driver"):
        net.to("cuda")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_share_memory_makes_hogwild_updates_visible_across_processes(method):
    model = nn.Linear(3, 1)
    start = model.weight.detach().numpy().copy()
    assert model.share_memory() is model and model.weight.is_shared() and model.bias.is_shared()
    np.testing.assert_array_equal(model.weight.detach().numpy(), start)
    context = smp.get_context(method)  # spawn pickles the model: shared tensors travel as references
    done = context.Queue()
    processes = [context.Process(target=mp_workers.hogwild_worker, args=(model, step, column, done))
                 for step, column in ((1.0, 0), (10.0, slice(1, None)))]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=60)
    assert sorted(done.get(timeout=5) for _ in processes) == [1.0, 10.0]
    np.testing.assert_allclose(model.weight.detach().numpy(), start + [[50 * 1.0, 50 * 10.0, 50 * 10.0]], rtol=1e-6)
    unshared = nn.Linear(3, 1)
    assert not unshared.weight.is_shared()
    derived = model.weight * 2  # results computed from shared values are ordinary tensors
    assert not derived.is_shared() and not sn.Tensor(model.weight.detach().array.copy()).is_shared()


def test_multiprocessing_reexports_the_standard_library_with_torchs_extras():
    import multiprocessing

    assert smp.Process is multiprocessing.Process and smp.Queue is multiprocessing.Queue
    assert callable(smp.set_start_method) and smp.get_sharing_strategy() in smp.get_all_sharing_strategies()
    out = smp.get_context("fork").Queue()
    smp.spawn(mp_workers.square, args=(out,), nprocs=2, start_method="fork")
    assert sorted(out.get(timeout=5) for _ in range(2)) == [(0, 0), (1, 1)]


def test_threads_inference_mode_compile_autocast():
    before = sn.get_num_threads()
    assert isinstance(before, int) and before >= 1
    try:
        sn.set_num_threads(1)
        assert sn.get_num_threads() == 1
        with pytest.raises(RuntimeError):
            sn.set_num_threads(0)
    finally:
        sn._platform._reset_num_threads()  # leave the BLAS pool as it was for the tests that follow
    assert sn.get_num_threads() == before
    assert sn.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    try:
        sn.set_float32_matmul_precision("high")
        assert sn.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            sn.set_float32_matmul_precision("bogus")
    finally:
        sn.set_float32_matmul_precision("highest")
    x = sn.ones(2, requires_grad=True)
    with sn.inference_mode():
        assert not (x * 2).requires_grad and sn.is_inference_mode_enabled()
    assert (x * 2).requires_grad and not sn.is_inference_mode_enabled()
    with sn.inference_mode(False):
        assert (x * 2).requires_grad

    @sn.inference_mode()
    def f(t):
        return t * 2

    @sn.inference_mode
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad and f.__name__ == "f"
    net = nn.Linear(2, 2)
    assert sn.compile(net) is net and sn.compile(f) is f and sn.compile(mode="max-autotune")(f) is f
    with sn.autocast(device_type="cpu"):
        assert net(sn.ones(1, 2)).dtype == sn.float32
    with pytest.warns(UserWarning, match="CUDA is not available"):
        with sn.amp.autocast("cuda"):
            pass
    with pytest.warns(UserWarning):
        scaler = sn.amp.GradScaler()
    loss = (net(sn.ones(1, 2)) ** 2).sum()
    assert scaler.scale(loss) is loss and scaler.get_scale() == 1.0


CLOSE_PAIRS = [
    lambda m: (m.tensor([1.0, 2.0, 3.0]), m.tensor([1.0, 2.1, 3.0])),
    lambda m: (m.tensor([1, 2, 3]), m.tensor([1, 3, 3])),
    lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0, 3.0])),
    lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0], dtype=m.float64)),
    lambda m: (1.0, 1.1),
    lambda m: (1, 2),
    lambda m: ([m.tensor(1.0)], [m.tensor(2.0)]),
    lambda m: ({"a": m.tensor([1.0])}, {"a": m.tensor([2.0])}),
    lambda m: (m.tensor([float("nan")]), m.tensor([float("nan")])),
    lambda m: (m.tensor([[1.0, 2.0], [3.0, 4.0]]), m.tensor([[1.0, 2.0], [3.0, 0.0]])),
    lambda m: (m.tensor([True]), m.tensor([False])),
    lambda m: ([1, 2], [1, 2, 3]),
    lambda m: (m.tensor(1.0), 1.1),
]


@pytest.mark.parametrize("k", range(len(CLOSE_PAIRS)))
def test_assert_close_fails_with_torchs_message(k):
    with pytest.raises(Exception) as theirs:
        torch.testing.assert_close(*CLOSE_PAIRS[k](torch))
    with pytest.raises(type(theirs.value)) as ours:
        sn.testing.assert_close(*CLOSE_PAIRS[k](sn))
    expected = str(theirs.value).replace("torch.Tensor", "scratchnet.tensor.Tensor").replace("torch.", "scratchnet.")
    assert str(ours.value) == expected


@given(values=st.lists(st.floats(-1e3, 1e3, width=32), min_size=1, max_size=6), noise=st.floats(0, 1e-4),
       dtype=st.sampled_from(["float32", "float64"]))
def test_assert_close_tolerances_follow_torchs(values, noise, dtype):
    a = np.array(values, dtype=dtype)
    b = (a * (1 + noise)).astype(dtype)
    try:
        torch.testing.assert_close(torch.from_numpy(a), torch.from_numpy(b))
        passed = True
    except AssertionError as e:
        passed, message = False, str(e)
    if passed:
        sn.testing.assert_close(sn.tensor(a), sn.tensor(b))
    else:
        with pytest.raises(AssertionError) as ours:
            sn.testing.assert_close(sn.tensor(a), sn.tensor(b))
        assert str(ours.value) == message
    sn.testing.assert_close(sn.tensor(a), sn.tensor(b), rtol=1e-3, atol=1e-3)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        sn.testing.assert_close(sn.tensor(a), sn.tensor(b), rtol=1e-3)


REFUSED_DTYPES = ["float16", "half", "bfloat16", "int8", "int16", "short", "uint16", "uint32", "uint64",
                  "complex64", "complex128", "cfloat", "cdouble"]


@pytest.mark.parametrize("name", REFUSED_DTYPES)
def test_refused_dtypes_can_be_named_and_refuse_clearly(name):
    ours, theirs = getattr(sn, name), getattr(torch, name)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert repr(ours) == repr(theirs).replace("torch.", "scratchnet.") and ours != sn.float32
    for make in (lambda: sn.ones(2, dtype=ours), lambda: sn.ones(2).to(ours), lambda: sn.zeros(1).to(dtype=ours)):
        with pytest.raises(TypeError, match=f"does not support dtype {ours}; supported dtypes: float32"):
            make()


@pytest.mark.parametrize("method", ["half", "bfloat16", "short", "char"])
def test_casts_to_refused_dtypes_raise_the_refusal(method):
    assert getattr(torch.ones(1), method)().dtype != torch.float32  # torch has them
    with pytest.raises(TypeError, match="does not support dtype"):
        getattr(sn.ones(1), method)()


def test_constants_deterministic_switches_and_jit_match_torch():
    for name in ("pi", "e", "inf", "newaxis"):
        assert getattr(sn, name) == getattr(torch, name), name
    assert np.isnan(sn.nan) and np.isnan(torch.nan)
    for lib in (sn, torch):
        lib.use_deterministic_algorithms(True, warn_only=True)
        assert lib.are_deterministic_algorithms_enabled() and lib.is_deterministic_algorithms_warn_only_enabled()
        assert lib.get_deterministic_debug_mode() == 1
        lib.use_deterministic_algorithms(False)
        assert not lib.are_deterministic_algorithms_enabled() and lib.get_deterministic_debug_mode() == 0
    net = sn.nn.Linear(2, 1)
    assert sn.jit.script(net) is net and sn.jit.trace(net, sn.ones(1, 2)) is net and not sn.jit.is_scripting()
    with pytest.raises(NotImplementedError, match="TorchScript"):
        sn.jit.save(net, "m.pt")


def test_apply_matches_torch():
    for dtype in ("float32", "int64"):
        ours, theirs = sn.arange(6, dtype=getattr(sn, dtype)).reshape(2, 3), torch.arange(6, dtype=getattr(torch, dtype)).reshape(2, 3)
        ours[:, 1].apply_(lambda v: v * 2 + 1), theirs[:, 1].apply_(lambda v: v * 2 + 1)  # through a view
        assert ours.tolist() == theirs.tolist() and ours.dtype == getattr(sn, dtype)
    with pytest.raises(RuntimeError, match="Can't call apply_"):
        sn.ones(2, requires_grad=True).apply_(lambda v: v)
