"""Twin tests (scratchnet next to torch) for the engine features that real example programs
(VAE, DCGAN, RNN/LSTM classifiers, forward-forward training, LBFGS, Siamese nets) lean on and
that once differed: module constructors taking device/dtype positionally, a ``range`` as an
index, ``torch.xpu``/``torch.mps`` on a machine without those GPUs, and where warnings point."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratchnet as sn


def outcome(fn):
    """What ``fn()`` gives: ("ok", value) or ("raised", exception type name)."""
    try:
        return "ok", fn()
    except Exception as e:  # noqa: BLE001 (the point is to compare whatever happens)
        return "raised", type(e).__name__


# ---- constructors: device and dtype in torch's positions -------------------------------------

POSITIONAL = [
    ("Linear", (3, 2, True)),
    ("BatchNorm1d", (4, 1e-5, 0.1, True, True)),
    ("BatchNorm2d", (4, 1e-3, None, False, True)),
    ("Conv2d", (2, 3, 3, 1, 0, 1, 1, True, "zeros")),
    ("LSTMCell", (3, 5, True)),
]


@pytest.mark.parametrize("name, args", POSITIONAL)
def test_modules_take_device_and_dtype_positionally(name, args):
    ours = getattr(sn.nn, name)(*args, "cpu", sn.float64)
    theirs = getattr(torch.nn, name)(*args, "cpu", torch.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], k
        assert tuple(a.shape) == tuple(b.shape), k


@pytest.mark.parametrize("name, args", POSITIONAL)
def test_modules_on_a_missing_gpu_raise_as_torch(name, args):
    ours = outcome(lambda: getattr(sn.nn, name)(*args, device="cuda"))
    theirs = outcome(lambda: getattr(torch.nn, name)(*args, device="cuda"))
    assert ours[0] == theirs[0] == "raised" and ours[1] == theirs[1]


def test_batchnorm_bias_is_keyword_only_as_in_torch():
    for lib in (sn, torch):
        with pytest.raises(TypeError):
            lib.nn.BatchNorm1d(4, 1e-5, 0.1, True, True, None, None, False)
        assert lib.nn.BatchNorm1d(4, bias=False).bias is None


def test_a_linear_subclass_passing_everything_positionally_trains_alike():
    """nn.Linear subclassed with (in, out, bias, device, dtype) passed on positionally."""

    def build(lib):
        class Layer(lib.nn.Linear):
            def __init__(self, i, o, bias=True, device=None, dtype=None):
                super().__init__(i, o, bias, device, dtype)

        lib.manual_seed(3)
        return Layer(6, 4)

    ours, theirs = build(sn), build(torch)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    x = np.random.default_rng(0).standard_normal((5, 6)).astype(np.float32)
    np.testing.assert_allclose(ours(sn.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)


# ---- a range as an index ---------------------------------------------------------------------

def _keys(draw_range, n0, n1):
    return st.one_of(
        draw_range(n0),
        st.tuples(draw_range(n0), draw_range(n1)).filter(lambda k: len(k[0]) == len(k[1]) or min(len(k[0]), len(k[1])) == 1),
        st.tuples(draw_range(n0), st.integers(-n1, n1 - 1)),
        st.tuples(st.just(slice(None)), draw_range(n1)),
        st.tuples(st.just(Ellipsis), draw_range(n1)),
    )


def ranges(size):
    """A range of valid indices into a dimension of ``size``, forwards or backwards, maybe empty."""
    return st.builds(range, st.integers(-size, size), st.integers(-size, size), st.sampled_from([1, 2, -1])).filter(
        lambda r: all(-size <= i < size for i in r))


@given(shape=st.tuples(st.integers(1, 4), st.integers(1, 5)), data=st.data())
def test_indexing_with_a_range_reads_as_torch(shape, data):
    key = data.draw(_keys(ranges, *shape))
    base = np.arange(shape[0] * shape[1], dtype=np.float64).reshape(shape)
    ours, theirs = sn.tensor(base, requires_grad=True), torch.tensor(base, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = outcome(lambda: ours[key]), outcome(lambda: theirs[key])
    assert got[0] == want[0], (key, got, want)
    if got[0] == "raised":
        assert got[1] == want[1]
        return
    np.testing.assert_array_equal(got[1].detach().numpy(), want[1].detach().numpy())
    assert got[1].grad_fn.name() == want[1].grad_fn.name()
    if got[1].numel():
        got[1].sum().backward(), want[1].sum().backward()
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@given(n=st.integers(1, 6), data=st.data())
def test_writing_through_a_range_and_a_tensor_index_as_torch(n, data):
    """x[range(n), cols] = v: the one-hot overlay a forward-forward network writes."""
    cols = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    base = np.random.default_rng(n).standard_normal((n, 5))
    ours, theirs = sn.tensor(base), torch.tensor(base)
    ours[range(n), sn.tensor(cols)] = ours.max()
    theirs[range(n), torch.tensor(cols)] = theirs.max()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_a_range_inside_a_list_index_and_a_bad_iterator_as_torch():
    base = np.arange(12.0).reshape(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(sn.tensor(base)[[range(2), range(1, 3)]].numpy(),
                                      torch.tensor(base)[[range(2), range(1, 3)]].numpy())
    for bad in (iter([1]), {1: 2}):
        with pytest.raises(IndexError) as theirs:
            torch.tensor(base)[bad]
        with pytest.raises(IndexError) as ours:
            sn.tensor(base)[bad]
        assert str(theirs.value).split(" (got")[0] in str(ours.value)


# ---- torch.xpu and torch.mps without those GPUs ----------------------------------------------

XPU_CALLS = [("is_available", ()), ("device_count", ()), ("is_initialized", ()), ("manual_seed", (1,)),
             ("manual_seed_all", (1,)), ("seed", ()), ("seed_all", ()), ("empty_cache", ()), ("memory_allocated", ()),
             ("max_memory_allocated", ()), ("current_device", ()), ("synchronize", ()), ("get_device_name", ()),
             ("set_device", (0,)), ("get_device_properties", ())]
MPS_CALLS = [("device_count", ()), ("manual_seed", (1,)), ("seed", ()), ("synchronize", ()), ("empty_cache", ()),
             ("current_allocated_memory", ()), ("driver_allocated_memory", ())]


@pytest.mark.parametrize("module, name, args", [("xpu", n, a) for n, a in XPU_CALLS] + [("mps", n, a) for n, a in MPS_CALLS])
def test_xpu_and_mps_answer_as_a_torch_without_them(module, name, args):
    ours = outcome(lambda: getattr(getattr(sn, module), name)(*args))
    theirs = outcome(lambda: getattr(getattr(torch, module), name)(*args))
    assert ours == theirs


# ---- warnings point at the caller, as torch's do ---------------------------------------------

@pytest.mark.parametrize("fn, ndim", [("dropout2d", 2), ("dropout2d", 3), ("dropout3d", 3)])
def test_dropout_warnings_name_the_calling_line(fn, ndim):
    for lib in (sn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(lib.nn.functional, fn)(lib.ones(*[2] * ndim), 0.5, False)
        assert caught and caught[0].filename == __file__, (lib.__name__, caught[0].filename if caught else None)


# ---- torch's deprecated spellings --------------------------------------------------------------

OLD_INITS = [("uniform", (-0.5, 0.5)), ("normal", (0.0, 2.0)), ("constant", (0.25,)), ("eye", ()), ("dirac", ()),
             ("xavier_uniform", ()), ("xavier_normal", (1.5,)), ("kaiming_uniform", ()), ("kaiming_normal", (0, "fan_out")),
             ("orthogonal", ()), ("sparse", (0.5,))]


@pytest.mark.parametrize("name, args", OLD_INITS)
def test_init_spellings_without_underscore_warn_and_fill_as_torch(name, args):
    shape = (3, 4, 1, 1) if name == "dirac" else (3, 4)
    filled = {}
    for lib in (sn, torch):
        lib.manual_seed(5)
        w = lib.empty(*shape)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            back = getattr(lib.nn.init, name)(w, *args)
        assert back is w
        assert [(c.category, str(c.message), c.filename) for c in caught] == [
            (FutureWarning, f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`.", __file__)]
        filled[lib.__name__] = w.numpy()
    np.testing.assert_allclose(filled["scratchnet"], filled["torch"], rtol=1e-6, atol=1e-7)


def test_resnet18_pretrained_false_warns_as_torchvision_and_builds_the_same_model():
    import torchvision

    import scratchnet.vision

    messages, keys = {}, {}
    for name, models in (("ours", scratchnet.vision.models), ("theirs", torchvision.models)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = models.resnet18(pretrained=False, num_classes=3)
        messages[name] = [(c.category, str(c.message)) for c in caught]
        keys[name] = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    assert messages["ours"] == messages["theirs"] and len(messages["ours"]) == 2
    assert keys["ours"] == keys["theirs"]


def test_resnet18_pretrained_true_refuses_without_a_network():
    import scratchnet.vision

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="not available"):
            scratchnet.vision.models.resnet18(pretrained=True)


# ---- pow's multiplied-out exponents --------------------------------------------------------------

@given(values=st.lists(st.floats(-1e6, 1e6, width=32), min_size=1, max_size=40), dtype=st.sampled_from(["float32", "float64"]),
       exponent=st.sampled_from([2, 3, -1, -2, 3.0, -2.0]))
def test_pow_by_small_integers_is_torchs_bit_for_bit(values, dtype, exponent):
    """torch writes x**2, x**3, x**-1, x**-2 as products (x*x*x, 1/(x*x)), not libm's pow; the
    features of a polynomial fit (x, x^2, x^3, x^4) then match to the last bit."""
    base = np.array(values, dtype=dtype)
    with np.errstate(all="ignore"):
        ours = (sn.tensor(base) ** exponent).numpy()
    theirs = (torch.tensor(base) ** exponent).numpy()
    np.testing.assert_array_equal(ours, theirs)


@given(values=st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=20), exponent=st.sampled_from([3, 4, -1]))
def test_pow_backward_by_small_integers_is_torchs_bit_for_bit(values, exponent):
    base = np.array(values, dtype=np.float32)
    base[base == 0] = 1.0
    ours, theirs = sn.tensor(base, requires_grad=True), torch.tensor(base, requires_grad=True)
    (ours ** exponent).sum().backward()
    (theirs ** exponent).sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


# ---- the legacy API older programs still call ---------------------------------------------------

def test_variable_is_a_detached_alias_that_passes_isinstance():
    for lib in (sn, torch):
        from importlib import import_module

        Variable = import_module(f"{lib.__name__}.autograd").Variable
        x = lib.ones(3)
        v = Variable(x, requires_grad=True)
        assert v is not x and v.requires_grad and v.is_leaf and not x.requires_grad
        assert isinstance(x, Variable) and not isinstance(3, Variable)
        y = (lib.ones(2, requires_grad=True) * 2)
        assert Variable(y).grad_fn is None and not Variable(y).requires_grad
        assert tuple(Variable().shape) == (0,)
        with pytest.warns(UserWarning, match="volatile was removed"):
            assert not Variable(x, volatile=True).requires_grad
        with pytest.raises(ValueError, match="volatile and require_grad"), pytest.warns(UserWarning, match="volatile"):
            Variable(x, requires_grad=True, volatile=True)
        with pytest.raises(TypeError, match="Variable data has to be a tensor"):
            Variable([1.0])


@pytest.mark.parametrize("size_average, reduce", [(False, None), (True, None), (None, False), (False, True), (True, True), (False, False)])
@pytest.mark.parametrize("loss", ["BCELoss", "MSELoss", "L1Loss", "SmoothL1Loss"])
def test_legacy_loss_flags_warn_with_the_reduction_they_mean(loss, size_average, reduce):
    said, values = {}, {}
    for lib in (sn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = getattr(lib.nn, loss)(size_average=size_average, reduce=reduce)
        said[lib.__name__] = (module.reduction, [str(c.message) for c in caught])
        values[lib.__name__] = module(lib.tensor([0.25, 0.5, 0.75]), lib.tensor([0.0, 1.0, 1.0])).numpy()
    assert said["scratchnet"] == said["torch"]
    np.testing.assert_allclose(values["scratchnet"], values["torch"], rtol=1e-6)


FUNCTIONAL_LEGACY = [
    ("binary_cross_entropy", lambda lib: (lib.tensor([0.25, 0.5]), lib.tensor([0.0, 1.0]), None)),
    ("binary_cross_entropy_with_logits", lambda lib: (lib.tensor([0.25, -2.0]), lib.tensor([0.0, 1.0]), None)),
    ("cosine_embedding_loss", lambda lib: (lib.ones(2, 3), lib.arange(6.0).reshape(2, 3), lib.tensor([1.0, -1.0]), 0.1)),
    ("hinge_embedding_loss", lambda lib: (lib.tensor([0.3, 2.0]), lib.tensor([1.0, -1.0]), 1.0)),
    ("margin_ranking_loss", lambda lib: (lib.tensor([0.3, 2.0]), lib.tensor([1.0, -1.0]), lib.tensor([1.0, -1.0]), 0.5)),
    ("multilabel_margin_loss", lambda lib: (lib.tensor([[0.1, 0.2, 0.4]]), lib.tensor([[2, 0, -1]]))),
    ("multilabel_soft_margin_loss", lambda lib: (lib.tensor([[0.1, -0.2, 0.4]]), lib.tensor([[1.0, 0.0, 1.0]]), None)),
]


@pytest.mark.parametrize("legacy", [(False, None), (None, False), (True, True)])
@pytest.mark.parametrize("name, args", FUNCTIONAL_LEGACY)
def test_functional_losses_take_size_average_and_reduce_in_torchs_positions(name, args, legacy):
    results = {}
    for lib in (sn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = getattr(lib.nn.functional, name)(*args(lib), *legacy)
        results[lib.__name__] = (out.numpy(), [str(c.message) for c in caught if "size_average" in str(c.message)])
    np.testing.assert_allclose(results["scratchnet"][0], results["torch"][0], rtol=1e-6)
    assert results["scratchnet"][1] == results["torch"][1] and len(results["torch"][1]) == 1


@given(old=st.lists(st.integers(0, 4), min_size=0, max_size=3), new=st.lists(st.integers(0, 4), min_size=0, max_size=3),
       as_tuple=st.booleans())
def test_resize_keeps_values_in_memory_order_as_torch(old, new, as_tuple):
    base = np.arange(int(np.prod(old)), dtype=np.float32).reshape(old)
    ours, theirs = sn.tensor(base), torch.tensor(base)
    args = (tuple(new),) if as_tuple or not new else tuple(new)  # resize_() with no size is an error
    assert ours.resize_(*args) is ours and theirs.resize_(*args) is theirs
    assert tuple(ours.shape) == tuple(theirs.shape) == tuple(new)
    keep = min(base.size, int(np.prod(new)))  # torch leaves the grown part uninitialised
    np.testing.assert_array_equal(ours.numpy().reshape(-1)[:keep], theirs.numpy().reshape(-1)[:keep])
    assert ours._version == theirs._version


def test_resize_shares_memory_when_shrinking_and_refuses_what_torch_refuses():
    for lib in (sn, torch):
        x = lib.arange(6.0)
        whole = x.view(2, 3)
        x.resize_(2)
        x[0] = 9.0
        assert whole[0, 0].item() == 9.0 and tuple(whole.shape) == (2, 3)
        d = lib.zeros(4, 3)
        d.data.resize_(2, 3)
        assert tuple(d.shape) == (4, 3)  # .data is a tensor of its own
        assert tuple(lib.zeros(6).resize_as_(lib.zeros(2, 3)).shape) == (2, 3)
    bad = [lambda lib: lib.ones(2, requires_grad=True).resize_(4), lambda lib: lib.ones(2).resize_(2, -1),
           lambda lib: lib.ones(2).resize_(2.0), lambda lib: lib.ones(2).resize_(), lambda lib: lib.ones(2).resize_as_(3)]
    for make in bad:
        with pytest.raises(Exception) as theirs:
            make(torch)
        with pytest.raises(type(theirs.value)) as ours:
            make(sn)
        assert str(theirs.value) in str(ours.value)


@pytest.mark.parametrize("key", [0, -1, 2, slice(None), slice(0, 1)])
def test_indexing_a_0d_tensor_raises_torchs_message(key):
    for action in (lambda t: t[key], lambda t: t.__setitem__(key, 1.0)):
        with pytest.raises(IndexError) as theirs:
            action(torch.tensor(2.0))
        with pytest.raises(IndexError) as ours:
            action(sn.tensor(2.0))
        assert str(theirs.value) in str(ours.value)


def test_cuda_legacy_types_are_no_tensors_type_and_refuse_building():
    for name in ("FloatTensor", "DoubleTensor", "LongTensor", "ByteTensor", "HalfTensor"):
        assert isinstance(sn.zeros(1), getattr(sn.cuda, name)) == isinstance(torch.zeros(1), getattr(torch.cuda, name)) is False
        with pytest.raises(RuntimeError, match="NVIDIA driver"):
            getattr(sn.cuda, name)(2)
        assert repr(getattr(sn.cuda, name)).replace("scratchnet", "torch") == repr(getattr(torch.cuda, name))


def test_data_parallel_without_gpus_as_torch():
    import scratchnet.nn.parallel
    import torch.nn.parallel

    ours, theirs = sn.nn.DataParallel(sn.nn.Linear(3, 2)), torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert list(ours.state_dict()) == list(theirs.state_dict()) and ours.device_ids == theirs.device_ids == []
    assert repr(ours).replace("scratchnet", "torch") == repr(theirs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(sn.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    for lib, parallel in ((sn, scratchnet.nn.parallel), (torch, torch.nn.parallel)):
        with pytest.raises(RuntimeError, match="device type could not be determined"):
            parallel.data_parallel(lib.nn.Linear(3, 2), lib.zeros(4, 3), None)


# ---- optimizers list their hyperparameters in torch's order --------------------------------------

@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adadelta", "Adagrad", "Adamax", "ASGD", "LBFGS", "NAdam", "RAdam",
                                  "RMSprop", "Rprop"])
def test_param_groups_and_state_dict_keep_torchs_key_order(name):
    """A printed ``optimizer.state_dict()`` (or ``param_groups``) reads as torch's."""
    listed = {}
    for lib in (sn, torch):
        opt = getattr(lib.optim, name)([lib.nn.Parameter(lib.zeros(2))], lr=0.1)
        listed[lib.__name__] = (list(opt.param_groups[0]), list(opt.defaults), list(opt.state_dict()["param_groups"][0]))
    assert listed["scratchnet"] == listed["torch"]


# ---- losses whose target has another shape --------------------------------------------------------

@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div"])
@pytest.mark.parametrize("shapes", [((4, 1), (4,)), ((3,), (2, 3)), ((2, 1, 3), (4, 1)), ((3, 2), (4,))])
def test_regression_losses_broadcast_another_target_shape_as_torch(name, shapes):
    a, b = (np.random.default_rng(len(s)).standard_normal(s) for s in shapes)
    out = {}
    for lib in (sn, torch):
        x, t = lib.tensor(a, requires_grad=True), lib.tensor(b)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = outcome(lambda: getattr(lib.nn.functional, name)(x, t, reduction="sum"))
        if got[0] == "ok":
            got[1].backward()
            got = ("ok", got[1].item(), x.grad.numpy())
        out[lib.__name__] = (got, [str(c.message).replace("scratchnet", "torch") for c in caught if c.category is UserWarning])
    (ours, our_warnings), (theirs, their_warnings) = out["scratchnet"], out["torch"]
    assert ours[0] == theirs[0] and our_warnings == their_warnings
    if ours[0] == "ok":
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-10, atol=1e-12)
    else:
        assert ours[1] == theirs[1]


def test_bce_refuses_another_target_shape_with_torchs_message():
    for make in (lambda lib: (lib.tensor(0.3), lib.ones(1)), lambda lib: (lib.rand(3), lib.ones(3, 1))):
        with pytest.raises(ValueError) as theirs:
            torch.nn.BCELoss()(*make(torch))
        with pytest.raises(ValueError) as ours:
            sn.nn.BCELoss()(*make(sn))
        assert str(ours.value).replace("scratchnet", "torch") == str(theirs.value)


# ---- F's softmax family without dim --------------------------------------------------------------

@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4), (2, 3, 4, 2)])
def test_functional_softmax_without_dim_guesses_as_torch(name, shape):
    x = np.random.default_rng(3).standard_normal(shape)
    out = {}
    for lib in (sn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = getattr(lib.nn.functional, name)(lib.tensor(x))
        out[lib.__name__] = (value.numpy(), [(str(c.message), c.filename) for c in caught])
    np.testing.assert_allclose(out["scratchnet"][0], out["torch"][0], rtol=1e-12)
    assert out["scratchnet"][1] == out["torch"][1] and len(out["torch"][1]) == 1


def test_softmax_modules_without_dim_and_torch_softmax_needing_it():
    x = np.random.default_rng(4).standard_normal((2, 3))
    for module in ("Softmax", "LogSoftmax", "Softmin"):
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            ours = getattr(sn.nn, module)()(sn.tensor(x)).numpy()
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            theirs = getattr(torch.nn, module)()(torch.tensor(x)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    for call in (lambda lib: lib.softmax(lib.ones(2, 3)), lambda lib: lib.ones(2, 3).log_softmax()):
        with pytest.raises(TypeError) as theirs:
            call(torch)
        with pytest.raises(TypeError) as ours:
            call(sn)
        assert str(ours.value) == str(theirs.value)


# ---- torch's words for common mistakes --------------------------------------------------------------

MISTAKES = [
    ("bool of several values", lambda lib: bool(lib.tensor([1, 2]))),
    ("bool of no values", lambda lib: bool(lib.zeros(0))),
    ("mm of a vector", lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2))),
    ("mm by a vector", lambda lib: lib.mm(lib.ones(3, 2), lib.ones(2))),
    ("grad for no inputs", lambda lib: lib.autograd.grad((lib.ones(2, requires_grad=True) * 2).sum(), [])),
    ("nll target out of range", lambda lib: lib.nn.functional.nll_loss(lib.zeros(2, 3), lib.tensor([1, 5]))),
    ("batch norm of one sample", lambda lib: lib.nn.BatchNorm1d(4)(lib.ones(1, 4))),
    ("LSTMCell in float, state in double", lambda lib: lib.nn.LSTMCell(1, 4)(lib.ones(3, 1), (lib.zeros(3, 4, dtype=lib.float64),) * 2)),
    ("LSTMCell in double, input in float", lambda lib: lib.nn.LSTMCell(1, 4).double()(lib.ones(3, 1))),
    ("linear, 2-D input of another dtype", lambda lib: lib.nn.functional.linear(lib.ones(2, 3, dtype=lib.float64), lib.ones(4, 3), lib.ones(4))),
    ("linear, bias of another dtype", lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 3), lib.ones(4, dtype=lib.float64))),
    ("linear without bias, int input", lambda lib: lib.nn.functional.linear(lib.ones(2, 3, dtype=lib.int64), lib.ones(4, 3))),
    ("linear of a vector, double weight", lambda lib: lib.nn.functional.linear(lib.ones(3), lib.ones(4, 3, dtype=lib.float64))),
]


@pytest.mark.parametrize("what, call", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_common_mistakes_raise_torchs_exception_with_torchs_words(what, call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(sn)
    assert str(theirs.value) in str(ours.value).replace("scratchnet", "torch")


T_WARNINGS = """
import warnings
warnings.simplefilter("always")
import {lib} as lib
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for shape in [(2, 3), (), (3,), (2, 3, 4), (), (2, 3)]:
        lib.ones(shape).T
print([str(c.message).split(" (Triggered")[0] for c in caught])
"""


def test_T_warns_once_per_kind_as_torch():
    """torch warns once per process on x.T of a 0-d tensor and once on other ranks but 2."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    said = [subprocess.run([sys.executable, "-c", T_WARNINGS.format(lib=lib)], capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, PYTHONPATH=root)).stdout.replace("scratchnet", "torch") for lib in ("scratchnet", "torch")]
    assert said[0] == said[1] and said[1].count("deprecated") == 2


def test_exp_overflows_to_inf_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sn.exp(sn.tensor([1000.0, -1000.0, 0.0]))
    np.testing.assert_array_equal(out.numpy(), torch.exp(torch.tensor([1000.0, -1000.0, 0.0])).numpy())


def test_container_is_torchs_deprecated_module_with_children():
    """The first VAE example subclassed nn.Container: a FutureWarning where the subclass is
    defined, none when it is built; nn.Container(**children) itself warns when built."""
    said = {}
    for lib in (sn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")

            class Net(lib.nn.Container):
                def __init__(self):
                    super().__init__()
                    self.fc = lib.nn.Linear(2, 3)

            defined = [(c.category, str(c.message), c.filename) for c in caught]
            net = Net()
            built = len(caught) - len(defined)
            direct = lib.nn.Container(a=lib.nn.ReLU(), b=lib.nn.Tanh())
        said[lib.__name__] = (defined, built, len(caught), list(net.state_dict()), repr(direct).replace("scratchnet", "torch"))
    assert said["scratchnet"] == said["torch"] and said["torch"][0][0][0] is FutureWarning
