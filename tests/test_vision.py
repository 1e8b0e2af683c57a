"""scratchnet.vision against torchvision: MNIST-family datasets (fake IDX files and the real test
set), FakeData, ImageFolder, transforms on the same PIL images, make_grid/save_image and resnet."""

import gzip
import os
import re

import numpy as np
import pytest
import torch
import torchvision
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import scratchnet as sn
from scratchnet.vision import datasets, models, transforms as T, utils
from scratchnet.vision.datasets import DataError, read_idx
from scratchnet.vision.transforms import functional as F
from torchvision import transforms as TT


def write_idx(path, magic, array, gz=True):
    header = magic.to_bytes(4, "big") + len(array).to_bytes(4, "big")
    for d in array.shape[1:]:
        header += d.to_bytes(4, "big")
    data = header + array.astype(np.uint8).tobytes()
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(data)
    return data


def fake_mnist(folder, n=12, gz=True, split="t10k"):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (n, 28, 28)), rng.integers(0, 10, n)
    suffix = ".gz" if gz else ""
    write_idx(os.path.join(folder, f"{split}-images-idx3-ubyte" + suffix), 2051, images, gz)
    write_idx(os.path.join(folder, f"{split}-labels-idx1-ubyte" + suffix), 2049, labels, gz)
    return images, labels


@pytest.mark.parametrize("cls", ["MNIST", "FashionMNIST", "KMNIST"])
def test_mnist_family_equals_torchvision_on_the_same_files(tmp_path, cls):
    images, labels = fake_mnist(str(tmp_path / cls / "raw"), gz=False)  # torchvision reads them unzipped
    fake_mnist(str(tmp_path / cls / "raw"), gz=False, split="train")
    transform = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])
    ours = getattr(datasets, cls)(str(tmp_path), train=False, download=True, transform=transform)
    theirs = getattr(torchvision.datasets, cls)(str(tmp_path), train=False, transform=TT.Compose([TT.ToTensor(), TT.Normalize((0.1307,), (0.3081,))]))
    assert ours.data.dtype == sn.uint8 and ours.targets.dtype == sn.int64
    assert np.array_equal(ours.data.numpy(), theirs.data.numpy()) and np.array_equal(ours.targets.numpy(), theirs.targets.numpy())
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx and len(ours) == len(theirs)
    for i in (0, 5, 11):
        (x, y), (tx, ty) = ours[i], theirs[i]
        assert y == ty and x.dtype == sn.float32 and np.array_equal(x.numpy(), tx.numpy())
    assert repr(ours) == repr(theirs)
    plain, tplain = getattr(datasets, cls)(str(tmp_path)), getattr(torchvision.datasets, cls)(str(tmp_path))
    assert isinstance(plain[3][0], Image.Image) and np.array_equal(np.asarray(plain[3][0]), np.asarray(tplain[3][0]))
    assert plain.raw_folder == tplain.raw_folder
    with pytest.warns(UserWarning, match="train_labels has been renamed targets"):
        assert plain.train_labels is plain.targets  # the names old tutorials use


def test_mnist_finds_gzipped_files_and_says_where_they_belong(tmp_path):
    images, labels = fake_mnist(str(tmp_path / "MNIST" / "raw"), gz=True)
    ds = datasets.MNIST(str(tmp_path), train=False, target_transform=lambda y: y + 100)
    assert ds[3][1] == labels[3] + 100 and np.array_equal(np.asarray(ds[3][0]), images[3])
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        datasets.MNIST(str(tmp_path / "elsewhere"))
    with pytest.raises(RuntimeError, match=r"no network.*place train-images-idx3-ubyte\[\.gz\].*MNIST/raw"):
        datasets.MNIST(str(tmp_path), train=True, download=True)


def test_idx_reader_refuses_bad_files_with_the_reason(tmp_path):
    fake_mnist(str(tmp_path), gz=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    with pytest.raises(DataError, match="truncated"):
        datasets.MNIST(str(tmp_path), train=False)
    path.write_bytes(data + b"x")
    with pytest.raises(DataError, match="more bytes than"):
        datasets.MNIST(str(tmp_path), train=False)
    path.write_bytes((2049).to_bytes(4, "big") + data[4:])
    with pytest.raises(DataError, match="magic number 2049, expected 2051"):
        read_idx(str(path), 2051, (28, 28))
    labels = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(data)
    write_idx(str(labels), 2049, np.array([200] * 12), gz=False)
    with pytest.raises(DataError, match="label 200 is not one of the 10 classes"):
        datasets.MNIST(str(tmp_path), train=False)


def test_idx_reader_bounds_memory_against_a_lying_header_and_a_gzip_bomb(tmp_path):
    lying = tmp_path / "lying-idx3-ubyte"
    lying.write_bytes((2051).to_bytes(4, "big") + (10**9).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2 + b"\0" * 100)
    with pytest.raises(DataError, match="more than the file can hold"):
        read_idx(str(lying), 2051, (28, 28))
    bomb = tmp_path / "bomb-idx3-ubyte.gz"
    count = 40_000  # 31 MB of zeros from a file of a few tens of kB
    with gzip.open(bomb, "wb") as f:
        f.write((2051).to_bytes(4, "big") + count.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
        f.write(b"\0" * (count * 784))
    assert os.path.getsize(bomb) * 8 < count * 784
    with pytest.raises(DataError, match="decompression bomb"):
        read_idx(str(bomb), 2051, (28, 28))


def test_real_mnist_items_equal_torchvisions(mnist_path, tmp_path):
    """The real test set: scratchnet reads the gzipped files; torchvision gets them unzipped."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        source = mnist_path / (stem + ".gz")
        opener = gzip.open if source.exists() else open
        with opener(source if source.exists() else mnist_path / stem, "rb") as f:
            content = f.read()
        (raw / stem).write_bytes(content)
        (raw / stem.replace("t10k", "train")).write_bytes(content)  # torchvision wants all four files
    ours = datasets.MNIST(str(mnist_path), train=False, transform=T.ToTensor())
    theirs = torchvision.datasets.MNIST(str(tmp_path), train=False, transform=TT.ToTensor())
    assert len(ours) == len(theirs) == 10_000
    assert np.array_equal(ours.data.numpy(), theirs.data.numpy()) and np.array_equal(ours.targets.numpy(), theirs.targets.numpy())
    for i in (0, 1234, 9999):
        assert ours[i][1] == theirs[i][1] and np.array_equal(ours[i][0].numpy(), theirs[i][0].numpy())
    x, y = datasets.mnist_arrays(str(mnist_path))[:2]
    assert x.shape == (8000, 1, 28, 28) and y.dtype == np.int64


def test_digits_default_is_real_and_split_fixed():
    (a, b), (c, d) = datasets.load_digits(), datasets.load_digits()
    assert len(a) + len(b) == 1797 and len(b) == 359
    assert np.array_equal(a.tensors[1].numpy(), c.tensors[1].numpy())


def test_fakedata_items_are_fixed_by_index():
    ds = datasets.FakeData(size=4, image_size=(3, 8, 6), num_classes=5, transform=T.ToTensor())
    (x, y), (x2, y2) = ds[2], ds[2]
    assert x.shape == (3, 8, 6) and np.array_equal(x.numpy(), x2.numpy()) and y == y2 and 0 <= y < 5
    sn.manual_seed(3)
    before = sn.rand(3).tolist()
    sn.manual_seed(3)
    ds[1]
    assert sn.rand(3).tolist() == before  # the global generator is left as it was
    with pytest.raises(IndexError):
        ds[4]


def test_image_folder_equals_torchvisions(tmp_path):
    rng = np.random.default_rng(1)
    for name, count in (("cat", 2), ("dog", 3)):
        (tmp_path / name / "sub").mkdir(parents=True)
        for i in range(count):
            Image.fromarray(rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)).save(tmp_path / name / ("sub" if i else "") / f"{i}.png")
        (tmp_path / name / "notes.txt").write_text("not an image")
    ours, theirs = datasets.ImageFolder(str(tmp_path), transform=T.ToTensor()), torchvision.datasets.ImageFolder(str(tmp_path), transform=TT.ToTensor())
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.samples == theirs.samples and ours.targets == theirs.targets and repr(ours) == repr(theirs)
    assert repr(datasets.FakeData(size=3)) == repr(torchvision.datasets.FakeData(size=3))
    for i in range(len(ours)):
        assert np.array_equal(ours[i][0].numpy(), theirs[i][0].numpy()) and ours[i][1] == theirs[i][1]
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(str(tmp_path))


images = st.tuples(st.integers(1, 9), st.integers(1, 9), st.sampled_from(["L", "RGB"]), st.integers(0, 2**32 - 1))


def pil(h, w, mode, seed):
    shape = (h, w) if mode == "L" else (h, w, 3)
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8), mode)


def same(a, b):
    if isinstance(b, Image.Image):
        return isinstance(a, Image.Image) and a.mode == b.mode and a.size == b.size and np.array_equal(np.asarray(a), np.asarray(b))
    return tuple(a.shape) == tuple(b.shape) and str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1] and np.array_equal(a.numpy(), b.numpy())


PAIRS = [
    lambda t: t.ToTensor(), lambda t: t.PILToTensor(), lambda t: t.Grayscale(), lambda t: t.Grayscale(3),
    lambda t: t.Resize(5), lambda t: t.Resize((4, 7)), lambda t: t.Resize(3, interpolation=t.InterpolationMode.NEAREST),
    lambda t: t.CenterCrop(3), lambda t: t.CenterCrop((12, 2)), lambda t: t.Pad(2), lambda t: t.Pad((1, 2), fill=7),
    lambda t: t.Pad((1, 2, 3, 0), padding_mode="reflect"), lambda t: t.Pad(1, padding_mode="edge"),
    lambda t: t.Pad(2, padding_mode="symmetric"), lambda t: t.Compose([t.CenterCrop(4), t.ToTensor()]),
    lambda t: t.Compose([t.PILToTensor(), t.ConvertImageDtype(torch.float32 if t is TT else sn.float32)]),
    lambda t: t.Compose([t.ToTensor(), t.ConvertImageDtype(torch.uint8 if t is TT else sn.uint8)]),
    lambda t: t.Compose([t.ToTensor(), t.Normalize((0.5, 0.4, 0.3)[:1], (0.2,)), t.ToPILImage()]),
    lambda t: t.Compose([t.ToTensor(), t.Lambda(lambda x: x * 2)]),
    lambda t: t.Lambda(lambda img: t.functional.rotate(img, 17.5, fill=4)),
    lambda t: t.Lambda(lambda img: t.functional.rotate(img, -40.0, expand=True)),
    lambda t: t.Lambda(lambda img: t.functional.resized_crop(img, 1, 0, 3, 2, [5, 4])),
    lambda t: t.RandomApply([t.CenterCrop(2)], p=1.0),
    lambda t: t.Lambda(lambda img: t.functional.adjust_brightness(img, 1.7)),
    lambda t: t.Lambda(lambda img: t.functional.adjust_contrast(img, 0.4)),
    lambda t: t.Lambda(lambda img: t.functional.adjust_saturation(img, 2.5)),
    lambda t: t.Lambda(lambda img: t.functional.adjust_hue(img, -0.3)),
    lambda t: t.Compose([t.ToTensor(), t.Lambda(lambda x: t.functional.adjust_brightness(x, 1.3))]),
    lambda t: t.Compose([t.ToTensor(), t.Lambda(lambda x: t.functional.adjust_saturation(x, 0.5) if x.shape[0] == 3 else x)]),
]
REPRS = [lambda t: t.ColorJitter(0.4, 0.4, 0.4, 0.1), lambda t: t.ColorJitter(brightness=(0.5, 1.5)), lambda t: t.RandomRotation(10), lambda t: t.RandomRotation((5, 30), fill=3), lambda t: t.RandomResizedCrop(5),
         lambda t: t.RandomApply([t.CenterCrop(3)], p=0.3)]


@pytest.mark.parametrize("k", range(len(PAIRS)))
@settings(max_examples=8)
@given(image=images)
def test_transforms_equal_torchvisions_on_pil_images(k, image):
    img = pil(*image)
    try:
        expected = PAIRS[k](TT)(img)
    except Exception as e:
        with pytest.raises(type(e)):
            PAIRS[k](T)(img)
        return
    assert same(PAIRS[k](T)(img), expected)


@pytest.mark.parametrize("make", [p for p in PAIRS if "Lambda" not in repr(p(TT))] + REPRS)
def test_transform_reprs_equal_torchvisions(make):
    assert repr(make(T)) == repr(make(TT)).replace("torch.", "scratchnet.")


@given(image=images, seed=st.integers(0, 2**16))
def test_random_transforms_draw_from_the_global_generator(image, seed):
    """Under one seed the choices repeat; across seeds both outcomes of a flip occur in torchvision's way
    (one ``rand(1)`` per flip, one ``randint`` per crop coordinate)."""
    img = pil(*image)
    pipeline = T.Compose([T.RandomCrop(4, pad_if_needed=True, padding_mode="edge"), T.RandomHorizontalFlip(), T.RandomVerticalFlip(0.3),
                          T.RandomApply([T.RandomRotation(30)]), T.RandomResizedCrop(4), T.ColorJitter(0.3, 0.3, 0.3, 0.1)])
    sn.manual_seed(seed)
    a = pipeline(img)
    sn.manual_seed(seed)
    b = pipeline(img)
    assert same(a, b) and a.size == (4, 4)
    assert same(T.RandomHorizontalFlip(1.0)(img), TT.RandomHorizontalFlip(1.0)(img))
    assert same(T.RandomVerticalFlip(0.0)(img), img)
    calls = []
    real_rand, real_randint = sn.rand, sn.randint
    sn.rand = lambda *a, **k: calls.append(("rand", a)) or real_rand(*a, **k)
    sn.randint = lambda *a, **k: calls.append(("randint", a, k)) or real_randint(*a, **k)
    try:
        T.RandomHorizontalFlip()(img)
        T.RandomCrop(1)(img)
    finally:
        sn.rand, sn.randint = real_rand, real_randint
    w, h = img.size
    crop = [] if (h, w) == (1, 1) else [("randint", (0, h), {"size": (1,)}), ("randint", (0, w), {"size": (1,)})]
    assert calls == [("rand", (1,))] + crop  # a 1x1 crop of a 1x1 image draws nothing, as torchvision


def test_tensor_transforms_match_torchvision_where_exact():
    x = np.random.default_rng(0).random((3, 6, 5)).astype(np.float32)
    ours, theirs = sn.tensor(x), torch.from_numpy(x)
    for make in (lambda t: t.CenterCrop(4), lambda t: t.Pad((1, 2)), lambda t: t.RandomHorizontalFlip(1.0),
                 lambda t: t.Normalize((0.1, 0.2, 0.3), (1.0, 2.0, 3.0)), lambda t: t.ToPILImage(),
                 lambda t: t.ConvertImageDtype(torch.uint8 if t is TT else sn.uint8), lambda t: t.Grayscale(),
                 lambda t: t.Grayscale(3), lambda t: t.Compose([t.ConvertImageDtype(torch.uint8 if t is TT else sn.uint8), t.Grayscale(3)])):
        assert same(make(T)(ours), make(TT)(theirs))
    for name, factor in (("adjust_contrast", 0.6), ("adjust_brightness", 1.4), ("adjust_saturation", 1.8)):
        got, expected = getattr(F, name)(ours, factor), getattr(TT.functional, name)(theirs, factor)
        assert np.allclose(got.numpy(), expected.numpy(), atol=1e-6)
    r = T.Resize((3, 4))(ours)
    assert r.shape == (3, 3, 4) and np.allclose(r.numpy(), TT.Resize((3, 4))(theirs).numpy(), atol=0.05)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize((0.5,), (0.5,))(sn.zeros(1, 2, 2, dtype=sn.int64))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0.5,), (0.0,))(ours)
    for channels, stats in ((1, 3), (3, 2)):
        with pytest.raises(RuntimeError) as theirs:
            TT.Normalize((0.5,) * stats, (1.0,) * stats)(torch.zeros(channels, 2, 2))
        with pytest.raises(RuntimeError, match=re.escape(str(theirs.value))):
            T.Normalize((0.5,) * stats, (1.0,) * stats)(sn.zeros(channels, 2, 2))
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)
    g = sn.ones(2, 3, 2, 2, requires_grad=True)
    out = T.Normalize((0.5, 0.5, 0.5), (2.0, 2.0, 2.0))(g)
    out.sum().backward()
    assert np.allclose(g.grad.numpy(), 0.5)


@given(n=st.integers(1, 11), c=st.sampled_from([1, 3]), nrow=st.integers(1, 5), padding=st.integers(0, 3),
       normalize=st.booleans(), scale_each=st.booleans())
def test_make_grid_equals_torchvisions(n, c, nrow, padding, normalize, scale_each):
    x = np.random.default_rng(n).normal(size=(n, c, 4, 3)).astype(np.float32)
    ours = utils.make_grid(sn.tensor(x), nrow=nrow, padding=padding, normalize=normalize, scale_each=scale_each, pad_value=0.25)
    theirs = torchvision.utils.make_grid(torch.from_numpy(x), nrow=nrow, padding=padding, normalize=normalize, scale_each=scale_each, pad_value=0.25)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert np.allclose(ours.numpy(), theirs.numpy(), atol=1e-6)


def test_save_image_writes_torchvisions_pixels(tmp_path):
    x = np.random.default_rng(0).random((4, 1, 5, 5)).astype(np.float32)
    utils.save_image(sn.tensor(x), str(tmp_path / "ours.png"), nrow=2)
    torchvision.utils.save_image(torch.from_numpy(x), str(tmp_path / "theirs.png"), nrow=2)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "ours.png")), np.asarray(Image.open(tmp_path / "theirs.png")))


@pytest.mark.parametrize("name", ["resnet18", "resnet34"])
def test_resnet_state_dict_and_outputs_equal_torchvisions(name):
    ours, theirs = getattr(models, name)(num_classes=7), getattr(torchvision.models, name)(weights=None, num_classes=7)
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    assert all(tuple(ours_sd[k].shape) == tuple(v.shape) for k, v in theirs_sd.items())
    conv = ours_sd["layer2.0.conv1.weight"].numpy()  # kaiming normal, fan_out: std sqrt(2 / (128 * 9))
    assert abs(conv.std() - np.sqrt(2 / (128 * 9))) < 0.003 and ours_sd["bn1.weight"].numpy().tolist() == [1.0] * 64
    if name == "resnet34":
        return
    ours.load_state_dict({k: sn.tensor(v.numpy()) for k, v in theirs_sd.items()})
    x = np.random.default_rng(0).normal(size=(2, 3, 16, 16)).astype(np.float32)
    ours.eval(), theirs.eval()
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    assert np.allclose(ours(sn.tensor(x)).detach().numpy(), expected, atol=1e-4)
    with pytest.raises(ValueError, match="no network"):
        models.resnet18(weights="IMAGENET1K_V1")


@given(image=images, seed=st.integers(0, 2**31))
def test_random_transforms_and_fakedata_equal_torchvisions_with_a_torch_identical_generator(image, seed):
    if not hasattr(sn, "Generator"):
        pytest.skip("scratchnet.Generator (torch-identical, issue 13) is not in this tree yet")
    img = pil(*image)
    make = lambda t: t.Compose([t.RandomCrop(3, padding=1), t.RandomHorizontalFlip(), t.RandomVerticalFlip(),  # noqa: E731
                                t.RandomApply([t.RandomRotation(20)]), t.RandomResizedCrop(4), t.ColorJitter(0.3, 0.3, 0.3, 0.1)])
    sn.manual_seed(seed), torch.manual_seed(seed)
    assert same(make(T)(img), make(TT)(img))
    ours, theirs = datasets.FakeData(size=3, image_size=(3, 5, 4)), torchvision.datasets.FakeData(size=3, image_size=(3, 5, 4))
    for i in range(3):
        assert same(ours[i][0], theirs[i][0]) and ours[i][1] == theirs[i][1]
