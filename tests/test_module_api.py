"""The Module API against torch's behaviour: containers, hooks (order and arguments), names and
prefixes, reassignment order, state_dict / load_state_dict, casts, repr."""

from collections import OrderedDict

import numpy as np
import pytest
import torch

import scratchnet as sn
import scratchnet.nn as nn


def both(build):
    """The same construction in both engines: ``build(lib)`` with lib = scratchnet or torch."""
    return build(sn), build(torch)


def names(pairs):
    return [n for n, _ in pairs]


def test_reassigning_a_submodule_keeps_its_place_in_children():
    def build(lib):
        net = lib.nn.Module()
        net.conv1 = lib.nn.Conv2d(1, 2, 3)
        net.relu = lib.nn.ReLU()
        net.fc = lib.nn.Linear(2, 2)
        net.conv1 = lib.nn.Conv2d(1, 4, 3)
        net.weight = lib.nn.Parameter(lib.ones(2))
        net.bias = lib.nn.Parameter(lib.ones(2))
        net.weight = lib.nn.Parameter(lib.zeros(3))
        return net

    ours, theirs = both(build)
    assert names(ours.named_children()) == names(theirs.named_children()) == ["conv1", "relu", "fc"]
    assert [type(m).__name__ for m in ours.children()][:1] == ["Conv2d"] and ours.conv1.out_channels == 4
    assert names(ours.named_parameters()) == names(theirs.named_parameters())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    del ours.relu
    del theirs.relu
    assert names(ours.named_children()) == names(theirs.named_children())
    assert "fc" in dir(ours) and "weight" in dir(ours)


def nested(lib):
    inner = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU())
    outer = lib.nn.Module()
    outer.block = inner
    outer.again = inner  # the same module twice
    outer.head = lib.nn.Linear(3, 1)
    outer.register_buffer("scale", lib.ones(1))
    outer.register_buffer("tmp", lib.ones(1), persistent=False)
    outer.register_parameter("none", None)
    return outer


@pytest.mark.parametrize("prefix", ["", "model"])
@pytest.mark.parametrize("remove_duplicate", [True, False])
def test_named_modules_parameters_buffers_prefixes(prefix, remove_duplicate):
    ours, theirs = both(nested)
    assert names(ours.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)) == names(theirs.named_modules(prefix=prefix, remove_duplicate=remove_duplicate))
    assert names(ours.named_parameters(prefix=prefix, remove_duplicate=remove_duplicate)) == names(theirs.named_parameters(prefix=prefix, remove_duplicate=remove_duplicate))
    assert names(ours.named_parameters(prefix=prefix, recurse=False)) == names(theirs.named_parameters(prefix=prefix, recurse=False))
    assert names(ours.named_buffers(prefix=prefix)) == names(theirs.named_buffers(prefix=prefix))
    assert names(ours.named_children()) == names(theirs.named_children())
    assert list(ours.state_dict(prefix="p.")) == list(theirs.state_dict(prefix="p."))
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_get_submodule_parameter_buffer_and_their_errors():
    ours, theirs = both(nested)
    assert ours.get_submodule("block.0") is ours.block[0]
    assert ours.get_submodule("") is ours
    assert ours.get_parameter("head.bias") is ours.head.bias
    assert ours.get_buffer("scale") is ours.scale
    for target in ("block.9", "head.weight.x", "nothing"):
        with pytest.raises(AttributeError) as a:
            ours.get_submodule(target)
        with pytest.raises(AttributeError) as b:
            theirs.get_submodule(target)
        assert str(a.value) == str(b.value)
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        ours.get_parameter("scale")


def test_state_dict_keep_vars_and_load_state_dict_incompatible_keys():
    ours, theirs = both(nested)
    assert all(v.grad_fn is None and not v.requires_grad for v in ours.state_dict().values())
    assert ours.state_dict(keep_vars=True)["head.weight"] is ours.head.weight
    state = {k: v for k, v in ours.state_dict().items() if k != "head.bias"}
    state["extra"] = sn.ones(1)
    result = ours.load_state_dict(state, strict=False)
    t_state = {k: torch.tensor(v.numpy()) for k, v in state.items()}
    expected = theirs.load_state_dict(t_state, strict=False)
    assert result.missing_keys == expected.missing_keys and result.unexpected_keys == expected.unexpected_keys
    assert tuple(result) == tuple(expected) and type(result).__name__ == "_IncompatibleKeys"
    assert repr(ours.load_state_dict(ours.state_dict())) == repr(theirs.load_state_dict(theirs.state_dict())) == "<All keys matched successfully>"
    with pytest.raises(RuntimeError, match="Missing key"):
        ours.load_state_dict(state)


def test_forward_hooks_order_arguments_and_replacement():
    log = {"sn": [], "torch": []}

    def build(lib):
        key = "sn" if lib is sn else "torch"
        lin = lib.nn.Linear(2, 2)
        lin.register_forward_pre_hook(lambda m, args: log[key].append(("pre", len(args))))
        lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        lin.register_forward_pre_hook(lambda m, args, kwargs: log[key].append(("pre-kw", sorted(kwargs))) or None, with_kwargs=True)
        h = lin.register_forward_hook(lambda m, args, out: log[key].append(("post", tuple(out.shape))))
        lin.register_forward_hook(lambda m, args, out: out + 1)
        lin.register_forward_hook(lambda m, args, kwargs, out: log[key].append(("post-kw", tuple(out.shape))), with_kwargs=True)
        lin.register_forward_hook(lambda m, args, out: log[key].append(("first",)), prepend=True)
        with lib.no_grad():
            lin.weight.copy_(lib.ones(2, 2))
            lin.bias.copy_(lib.zeros(2))
        return lin, h

    (ours, h1), (theirs, h2) = both(build)
    a = ours(sn.ones(3, 2))
    b = theirs(torch.ones(3, 2))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
    assert log["sn"] == log["torch"]
    h1.remove()
    h2.remove()
    log["sn"].clear()
    log["torch"].clear()
    ours(sn.ones(1, 2))
    theirs(torch.ones(1, 2))
    assert log["sn"] == log["torch"]


class TwoStep:
    """A module whose forward is a composition of several ops (with a tuple output)."""

    @staticmethod
    def build(lib):
        class Block(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = lib.nn.Linear(3, 2)

            def forward(self, x, y):
                h = self.lin(x).tanh()
                return h * y, h.sum()

        torch.manual_seed(0)
        block = Block()
        return block


def test_full_backward_hooks_see_torch_grad_input_and_grad_output():
    seen = {"sn": [], "torch": []}
    blocks = {}
    for lib, key in ((sn, "sn"), (torch, "torch")):
        block = TwoStep.build(lib)
        blocks[key] = block
        block.register_full_backward_pre_hook(lambda m, go, key=key: seen[key].append(("pre", [None if g is None else g.detach().numpy().copy() for g in go])))
        block.register_full_backward_hook(lambda m, gi, go, key=key: seen[key].append(("hook", [None if g is None else g.detach().numpy().copy() for g in gi], [None if g is None else g.detach().numpy().copy() for g in go])))
    blocks["sn"].lin.weight.data = sn.tensor(blocks["torch"].lin.weight.detach().numpy())
    blocks["sn"].lin.bias.data = sn.tensor(blocks["torch"].lin.bias.detach().numpy())
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((4, 2)).astype(np.float32)
    for lib, key in ((sn, "sn"), (torch, "torch")):
        xs, ys = lib.tensor(x, requires_grad=True), lib.tensor(y)
        a, b = blocks[key](xs, ys)
        (a.sum() * 2 + b).backward()
    assert [s[0] for s in seen["sn"]] == [s[0] for s in seen["torch"]] == ["pre", "hook"]
    for ours, theirs in zip(seen["sn"], seen["torch"]):
        for our_list, their_list in zip(ours[1:], theirs[1:]):
            assert len(our_list) == len(their_list)
            for g, h in zip(our_list, their_list):
                assert (g is None) == (h is None)
                if g is not None:
                    np.testing.assert_allclose(g, h, rtol=1e-5, atol=1e-6)


def test_backward_hook_can_replace_grad_input():
    for lib in (sn, torch):
        lin = lib.nn.Linear(2, 2)
        lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0 + 7,))
        x = lib.ones(1, 2, requires_grad=True)
        lin(x).sum().backward()
        assert x.grad.tolist() == [[7.0, 7.0]]


def test_sequential_and_modulelist_editing_as_torch():
    def build(lib):
        seq = lib.nn.Sequential(lib.nn.Linear(1, 2), lib.nn.ReLU())
        seq.append(lib.nn.Tanh())
        seq.insert(1, lib.nn.Identity())
        seq.extend([lib.nn.Sigmoid()])
        popped = seq.pop(0)
        joined = seq + lib.nn.Sequential(lib.nn.ReLU())
        sliced = joined[1:3]
        named = lib.nn.Sequential(OrderedDict([("a", lib.nn.ReLU()), ("b", lib.nn.Tanh())]))
        ml = lib.nn.ModuleList([lib.nn.ReLU()])
        ml += [lib.nn.Tanh()]
        ml.insert(0, lib.nn.Identity())
        ml.append(lib.nn.Sigmoid())
        del ml[1]
        repeated = lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)] + [lib.nn.ReLU(), lib.nn.ReLU(), lib.nn.Sequential(lib.nn.Tanh())])
        return [repr(x) for x in (seq, popped, joined, sliced, named, named[1:], ml, ml[1:], ml + ml[:1], repeated, lib.nn.ModuleList())]

    for ours, theirs in zip(*both(build)):
        assert ours == theirs


def test_moduledict_parameterlist_parameterdict():
    def build(lib):
        md = lib.nn.ModuleDict({"act": lib.nn.ReLU(), "lin": lib.nn.Linear(2, 2)})
        md["out"] = lib.nn.Tanh()
        md.update([("x", lib.nn.Identity())])
        del md["act"]
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        pl.append(lib.nn.Parameter(lib.ones(1)))
        pd = lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones(2)), "b": lib.zeros(3)})
        pd["c"] = lib.nn.Parameter(lib.ones(1))
        holder = lib.nn.Module()
        holder.md, holder.pl, holder.pd = md, pl, pd
        return holder

    ours, theirs = both(build)
    assert list(ours.md.keys()) == list(theirs.md.keys())
    assert names(ours.named_parameters()) == names(theirs.named_parameters())
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert all(isinstance(p, nn.Parameter) for p in ours.pl)
    assert len(ours.pl) == len(theirs.pl) == 3 and len(ours.pd) == len(theirs.pd) == 3
    assert repr(ours).replace("scratchnet.", "torch.") == repr(theirs)


def test_casts_apply_requires_grad_and_training():
    ours, theirs = both(nested)
    assert ours.double() is ours and ours.head.weight.dtype == sn.float64
    ours.to(sn.float32)
    assert ours.head.weight.dtype == sn.float32
    ours.to(torch_like := sn.zeros(1, dtype=sn.float64))
    assert ours.scale.dtype == sn.float64 and torch_like.dtype == sn.float64
    ours.float()
    with pytest.raises(TypeError, match="float16"):
        ours.half()
    with pytest.raises(TypeError):
        ours.to(sn.int64)
    visited_ours, visited_theirs = [], []
    ours.apply(lambda m: visited_ours.append(type(m).__name__))
    theirs.apply(lambda m: visited_theirs.append(type(m).__name__))
    assert visited_ours == visited_theirs
    assert ours.requires_grad_(False) is ours and not any(p.requires_grad for p in ours.parameters())
    ours.eval()
    assert not any(m.training for m in ours.modules())


def test_registration_errors_as_torch():
    for lib in (sn, torch):
        m = lib.nn.Linear(1, 1)
        with pytest.raises(KeyError, match="contain"):
            m.add_module("a.b", lib.nn.ReLU())
        with pytest.raises(KeyError, match="already exists"):
            m.register_buffer("in_features", lib.ones(1))
        with pytest.raises(TypeError):
            m.register_parameter("p", lib.ones(1))
        with pytest.raises(TypeError):
            m.add_module("x", 3)
        m.register_module("act", lib.nn.ReLU())
        assert "act" in dict(m.named_children())
