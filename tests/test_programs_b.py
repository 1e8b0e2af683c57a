"""Twin tests for the engine features that PyTorch's example programs (language models, vision
transformers, graph networks, super-resolution, style transfer, ImageNet training) reach for:
each runs the feature on scratchnet and on torch and compares values, dtypes, errors and names."""

import numpy as np
import pytest
import torch

import scratchnet as sn

from .parity import assert_close


def raised(fn):
    """(exception type, message) that fn() raised, or None."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the type itself is what is compared)
        return type(e), str(e)
    return None


def same_error(our_fn, their_fn):
    ours, theirs = raised(our_fn), raised(their_fn)
    assert theirs is not None and ours is not None, (ours, theirs)
    assert ours[0] is theirs[0], (ours, theirs)
    return ours, theirs


# --- Tensor.unfold: the sliding-window view (ViT's patch extractor) ---------------------------


@pytest.mark.parametrize("args", [(1, 3, 2), (0, 11, 1), (0, 3, 0), (0, -1, 1), (-2, 1, 1)])
def test_unfold_refuses_what_torch_refuses(args):
    ours, theirs = same_error(lambda: sn.arange(10.0).unfold(*args), lambda: torch.arange(10.0).unfold(*args))
    assert ours[1] == theirs[1]


def test_unfold_is_a_view_of_its_input():
    ours, theirs = sn.arange(12.0).view(3, 4), torch.arange(12.0).view(3, 4)
    our_w, their_w = ours.unfold(1, 2, 1), theirs.unfold(1, 2, 1)
    assert our_w._base is ours._base and their_w._base is theirs._base  # the view of a view shares the root
    ours[0, 1] = -5.0
    theirs[0, 1] = -5.0
    assert our_w.tolist() == their_w.tolist()
    assert our_w.stride() == their_w.stride()


def test_image_patches_by_two_unfolds():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    grad = rng.standard_normal((2, 4, 48)).astype(np.float32)
    outs, grads = [], []
    for lib in (sn, torch):
        t = lib.tensor(x, requires_grad=True)
        patches = t.unfold(2, 4, 4).unfold(3, 4, 4).permute(0, 2, 3, 1, 4, 5).contiguous().view(2, 4, -1)
        (patches * lib.tensor(grad)).sum().backward()
        outs.append(patches)
        grads.append(t.grad)
    assert_close(outs[0], outs[1], 0, 0)
    assert_close(grads[0], grads[1], 0, 0)


# --- torch.hub: the progress bar and the hub directory ------------------------------------------


def test_hub_names_match_torch(monkeypatch, tmp_path):
    import torch.hub

    import scratchnet.hub

    assert scratchnet.hub.tqdm is torch.hub.tqdm
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert scratchnet.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "hub")
    with pytest.raises(RuntimeError, match="does not download"):
        scratchnet.hub.load_state_dict_from_url("https://example.com/w.pth")
    (tmp_path / "hub" / "checkpoints").mkdir(parents=True)
    sn.save({"w": sn.ones(2)}, str(tmp_path / "hub" / "checkpoints" / "w.pth"))
    assert scratchnet.hub.load_state_dict_from_url("https://example.com/w.pth")["w"].tolist() == [1.0, 1.0]


# --- pixel shuffle (the super-resolution example's upsampler) ----------------------------------


@pytest.mark.parametrize("name, shape, r", [
    ("pixel_shuffle", (1, 3, 2, 2), 2), ("pixel_shuffle", (3, 2), 2), ("pixel_shuffle", (4, 2, 2), 0),
    ("pixel_shuffle", (4, 2, 2), -1), ("pixel_unshuffle", (1, 3, 3, 2), 2), ("pixel_unshuffle", (1, 3, 2, 3), 2),
    ("pixel_unshuffle", (3, 2), 2), ("pixel_unshuffle", (4, 2, 2), 0),
])
def test_pixel_shuffle_refuses_what_torch_refuses(name, shape, r):
    ours, theirs = same_error(lambda: getattr(sn, name)(sn.ones(*shape), r), lambda: getattr(torch, name)(torch.ones(*shape), r))
    assert ours[1] == theirs[1]


def test_pixel_shuffle_modules_and_names():
    names = []
    for lib in (sn, torch):
        x = lib.arange(72.0).view(2, 4, 3, 3).requires_grad_()
        y = lib.nn.PixelShuffle(2)(x)
        names.append((y.grad_fn.name(), lib.nn.PixelUnshuffle(2)(y).grad_fn.name()))
    assert names[0] == names[1] == ("PixelShuffleBackward0", "PixelUnshuffleBackward0")
    assert repr(sn.nn.PixelShuffle(3)) == repr(torch.nn.PixelShuffle(3))
    assert repr(sn.nn.PixelUnshuffle(2)) == repr(torch.nn.PixelUnshuffle(2))
    assert sn.pixel_shuffle(sn.ones(4, 2, 2, dtype=sn.int64), 2).dtype == sn.int64
    assert sn.nn.functional.pixel_shuffle is sn.pixel_shuffle and torch.nn.functional.pixel_shuffle is torch.pixel_shuffle


# --- nn.init's deprecated names (older examples call init.orthogonal, init.xavier_uniform, ...) ---


@pytest.mark.parametrize("old", ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
                                 "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"])
def test_deprecated_init_names_warn_and_fill_as_torch(old):
    args = {"constant": (0.5,), "sparse": (0.5,)}.get(old, ())
    shape = (2, 3, 3) if old == "dirac" else (4, 3)
    results = []
    for lib in (sn, torch):
        lib.manual_seed(3)
        t = lib.empty(*shape)
        with pytest.warns(FutureWarning) as caught:
            getattr(lib.nn.init, old)(t, *args)
        results.append((str(caught[0].message), t.tolist()))
        assert getattr(lib.nn.init, old).__name__ == old
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6, atol=1e-7)


# --- padding layers (the style-transfer network's ReflectionPad2d) ------------------------------


@pytest.mark.parametrize("name", [f"{p}Pad{n}d" for n in (1, 2, 3) for p in ("Reflection", "Replication", "Circular", "Constant", "Zero")])
def test_padding_layers_match_torch(name):
    n = int(name[-2])
    rng = np.random.default_rng(n)
    x = rng.standard_normal((2, 3) + (4,) * n)
    extra = (1.5,) if name.startswith("Constant") else ()
    pads = (1, tuple(1 + i % 3 for i in range(2 * n)))  # up to 3 on a side of 4: reflection needs less than the size
    for padding in pads:
        ours, theirs = getattr(sn.nn, name)(padding, *extra), getattr(torch.nn, name)(padding, *extra)
        assert repr(ours) == repr(theirs) and ours.padding == theirs.padding
        a, b = sn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, z = ours(a), theirs(b)
        assert_close(y, z, 0, 0)
        w = rng.standard_normal(tuple(z.shape))
        (y * sn.tensor(w)).sum().backward()
        (z * torch.tensor(w)).sum().backward()
        assert_close(a.grad, b.grad, 1e-12, 1e-12)


def test_vgg_features_match_torchvision():
    import torchvision

    import scratchnet.vision  # noqa: F401  (sn.vision is a subpackage, imported on request as torchvision)

    for depth, letter in ((11, "A"), (16, "D")):
        for bn in (False, True):
            sn.manual_seed(0)
            torch.manual_seed(0)
            ours = sn.vision.models.vgg.make_layers(sn.vision.models.vgg.CONFIGS[depth], bn)
            theirs = torchvision.models.vgg.make_layers(torchvision.models.vgg.cfgs[letter], bn)
            assert repr(ours) == repr(theirs)
            assert list(ours.state_dict()) == list(theirs.state_dict())
            for (k, v), w in zip(ours.state_dict().items(), theirs.state_dict().values()):
                assert_close(v, w, 0, 0, what=k)


# --- older call forms and silent special values (the language-model example) --------------------


def test_add_with_the_alpha_first_overload_as_torch():
    import warnings

    results = []
    for lib in (sn, torch):
        p, g = lib.ones(3), lib.arange(3.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            p.add_(-2.0, g)
            q = lib.sub(lib.ones(3), 3, g)
        results.append((p.tolist(), q.tolist()))
    assert results[0] == results[1]


def test_log_and_division_of_zero_do_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = [sn.log(sn.tensor([0.0, -1.0])), 1 / sn.tensor([0.0, 2.0]), sn.tensor([0.0]) / sn.tensor([0.0])]
    theirs = [torch.log(torch.tensor([0.0, -1.0])), 1 / torch.tensor([0.0, 2.0]), torch.tensor([0.0]) / torch.tensor([0.0])]
    for a, b in zip(ours, theirs):
        assert_close(a, b, 0, 0)


def test_onnx_is_importable_and_export_refuses():
    import scratchnet.onnx

    assert scratchnet.onnx.is_in_onnx_export() is False
    with pytest.raises(NotImplementedError, match="ONNX"):
        scratchnet.onnx.export(sn.nn.Linear(1, 1), (sn.ones(1, 1),), "m.onnx")


# --- sparse COO tensors (the graph networks' adjacency and feature matrices) --------------------


def _coo(lib):
    return lib.sparse_coo_tensor([[0, 1, 1, 2], [1, 0, 0, 2]], [1.0, 2.0, 3.0, 0.0], (3, 3))


def test_sparse_coo_tensor_describes_itself_as_torch():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's note on invariant checks
        ours, theirs = _coo(sn), _coo(torch)
        assert repr(ours).replace("scratchnet.", "torch.") == repr(theirs)
        assert (ours.is_sparse, ours._nnz(), ours.is_coalesced(), ours.sparse_dim()) == (theirs.is_sparse, theirs._nnz(), theirs.is_coalesced(), theirs.sparse_dim())
        assert repr(ours.layout) == "scratchnet.sparse_coo" and repr(sn.ones(1).layout) == "scratchnet.strided"
        assert not sn.ones(1).is_sparse
        same_error(lambda: ours.indices(), lambda: theirs.indices())
        oc, tc = ours.coalesce(), theirs.coalesce()
        assert oc.indices().tolist() == tc.indices().tolist() and oc.values().tolist() == tc.values().tolist()
        assert oc.to_dense().tolist() == tc.to_dense().tolist()
        assert repr(oc).replace("scratchnet.", "torch.") == repr(tc)


def test_dense_to_sparse_and_products_as_torch():
    import warnings

    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 4)) * (rng.random((5, 4)) < 0.4)
    b = rng.standard_normal((4, 3))
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for lib in (sn, torch):
            s = lib.tensor(a).to_sparse()
            w = lib.tensor(b, requires_grad=True)
            out = lib.mm(s, w) + lib.spmm(s, w) + s @ w
            out.sum().backward()
            adj = lib.eye(3) + lib.sparse_coo_tensor([[0, 1], [1, 0]], lib.ones(2), (3, 3), dtype=lib.int64)
            deg = lib.diag(lib.sqrt(1 / lib.sum(adj, dim=1))).to_sparse()
            norm = deg @ adj @ deg
            results.append((s.indices().tolist(), s.values().tolist(), out.detach().numpy(), w.grad.numpy(), repr(adj.dtype), norm.layout == lib.strided, norm.numpy()))
    ours, theirs = results
    assert ours[:2] == theirs[:2] and ours[4:6] == (theirs[4].replace("torch", "scratchnet"), theirs[5])
    for i in (2, 3, 6):
        np.testing.assert_allclose(ours[i], theirs[i], rtol=1e-12, atol=1e-12)


# --- factories with size= as a keyword (the graph attention layer's torch.empty(size=...)) -------


@pytest.mark.parametrize("name", ["empty", "zeros", "ones", "rand", "randn"])
def test_factories_take_size_as_a_keyword(name):
    sn.manual_seed(5)
    torch.manual_seed(5)
    ours, theirs = getattr(sn, name)(size=(2, 3)), getattr(torch, name)(size=(2, 3))
    assert tuple(ours.shape) == tuple(theirs.shape) == (2, 3)
    if name.startswith("rand"):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    ours, theirs = same_error(lambda: getattr(sn, name)(2, size=(2, 3)), lambda: getattr(torch, name)(2, size=(2, 3)))
    if not name.startswith("rand"):  # torch's rand/randn word it as its argument parser's long list of signatures
        assert ours[1] == theirs[1]


# --- CIFAR-10/100 from local files (the vision transformer's dataset), no network ---------------


def _write_cifar(root, hundred=False):
    import pickle

    rng = np.random.default_rng(0)
    folder = root / ("cifar-100-python" if hundred else "cifar-10-batches-py")
    folder.mkdir()
    key = "fine_labels" if hundred else "labels"
    names = ["train"] if hundred else [f"data_batch_{i}" for i in range(1, 6)]
    for name in names + ["test" if hundred else "test_batch"]:
        batch = {"batch_label": name, key: [int(v) for v in rng.integers(0, 100 if hundred else 10, 3)],
                 "data": rng.integers(0, 256, (3, 3072), dtype=np.uint8), "filenames": [f"{name}_{i}.png" for i in range(3)]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    meta = {"fine_label_names": [f"c{i}" for i in range(100)]} if hundred else {"label_names": [f"c{i}" for i in range(10)]}
    (folder / ("meta" if hundred else "batches.meta")).write_bytes(pickle.dumps(meta))


@pytest.mark.parametrize("hundred", [False, True])
def test_cifar_reads_as_torchvision(tmp_path, monkeypatch, hundred):
    import torchvision

    import scratchnet.vision

    _write_cifar(tmp_path, hundred)
    name = "CIFAR100" if hundred else "CIFAR10"
    monkeypatch.setattr(torchvision.datasets.CIFAR10, "_check_integrity", lambda self: True)  # our files have no official MD5
    monkeypatch.setattr(torchvision.datasets.cifar, "check_integrity", lambda *args: True)
    for train in (True, False):
        ours = getattr(scratchnet.vision.datasets, name)(str(tmp_path), train=train, transform=scratchnet.vision.transforms.ToTensor())
        theirs = getattr(torchvision.datasets, name)(str(tmp_path), train=train, transform=torchvision.transforms.ToTensor())
        assert len(ours) == len(theirs) and ours.targets == theirs.targets and ours.classes == theirs.classes
        assert ours.class_to_idx == theirs.class_to_idx and repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours.data, theirs.data)
        (x, y), (u, v) = ours[1], theirs[1]
        assert y == v
        assert_close(x, u, 0, 0)


def test_cifar_refuses_missing_files_and_foreign_pickles(tmp_path):
    import pickle

    import scratchnet.vision
    from scratchnet.vision.datasets import DataError

    with pytest.raises(RuntimeError, match="Dataset not found"):
        scratchnet.vision.datasets.CIFAR10(str(tmp_path))
    _write_cifar(tmp_path)
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(pickle.dumps({"data": np.zeros(1), "labels": [print]}))
    with pytest.raises(DataError, match="refusing to load builtins.print"):
        scratchnet.vision.datasets.CIFAR10(str(tmp_path), train=False)


def test_sparse_product_skips_unstored_entries_as_torch():
    import warnings

    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for lib in (sn, torch):
            s = lib.sparse_coo_tensor([[0, 1, 1], [1, 0, 0]], [1.0, 2.0, 3.0], (3, 2))
            d = lib.tensor([[float("inf"), 1.0], [2.0, float("nan")]], requires_grad=True)
            out = s @ d
            out.sum().backward()
            results.append((out.detach().numpy(), (s @ lib.tensor([1.0, 2.0])).numpy(), d.grad.numpy(), out.grad_fn.name()))
    for a, b in zip(*results):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_array_equal(a, b)
