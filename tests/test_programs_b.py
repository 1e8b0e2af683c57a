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
