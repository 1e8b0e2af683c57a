"""Run PyTorch's own optimizer configurations (its OptimizerInfo database) in both engines.

    python tools/optiminfo_sweep.py [--optims REGEX] [--steps N]

A developer's tool beside ``tools/opinfo_sweep.py`` (the same caveats). For every optimizer and
every configuration torch tests it with (``weight_decay``, ``maximize``, ``amsgrad``, ``foreach``,
tensor learning rates, ...), both engines build the optimizer over the same parameters (a weight,
a bias and a 0-d scalar) and take ``--steps`` steps on the same loss; the parameters, the state's
buffers and any error must agree.
"""

import argparse
import re
import sys
import types
import unittest
import warnings

import numpy as np

sys.modules.setdefault("expecttest", types.SimpleNamespace(TestCase=unittest.TestCase))
warnings.simplefilter("ignore")

import torch  # noqa: E402

import scratchnet as sn  # noqa: E402

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from opinfo_sweep import Unheld, compare, to_sn  # noqa: E402


def run(lib, cls, kwargs, steps, data):
    w0, b0, s0, x0 = data
    params = [lib.nn.Parameter(lib.tensor(w0)), lib.nn.Parameter(lib.tensor(b0)), lib.nn.Parameter(lib.tensor(s0))]
    x = lib.tensor(x0)
    opt = cls(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((x @ params[0].t() + params[1]) ** 2).sum() * (1 + params[2] ** 2) + params[2] ** 2  # bounded below
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    state = [{k: v for k, v in sorted(opt.state[p].items())} for p in params]
    return [p.detach() for p in params], state


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--optims", default=".*")
    p.add_argument("--steps", type=int, default=3)
    a = p.parse_args(argv)
    from torch.testing._internal.common_optimizers import optim_db

    rng = np.random.default_rng(0)
    data = (rng.standard_normal((3, 4)), rng.standard_normal(3), np.array(0.7), rng.standard_normal((5, 4)))
    total = agree = 0
    for info in optim_db:
        name = info.optim_cls.__name__
        if not re.fullmatch(a.optims, name):
            continue
        ours_cls = getattr(sn.optim, name, None)
        for oi in info.optim_inputs_func(device="cpu"):
            total += 1
            desc = f"{name}({oi.kwargs})"
            if ours_cls is None:
                print(f"{desc}: missing: scratchnet.optim has no {name}")
                continue
            try:
                s_kwargs = to_sn(oi.kwargs)
            except Unheld:
                total -= 1
                continue
            try:
                t_params, t_state = run(torch, info.optim_cls, oi.kwargs, a.steps, data)
            except Exception as e:
                try:
                    run(sn, ours_cls, s_kwargs, a.steps, data)
                except Exception as mine:
                    if isinstance(mine, type(e)):
                        agree += 1
                    else:
                        print(f"{desc}: raises {type(mine).__name__} ({str(mine)[:80]}) where torch raises {type(e).__name__} ({str(e)[:80]})")
                    continue
                print(f"{desc}: runs where torch raises {type(e).__name__}: {str(e)[:120]}")
                continue
            try:
                s_params, s_state = run(sn, ours_cls, s_kwargs, a.steps, data)
            except Exception as e:
                print(f"{desc}: raises {type(e).__name__}: {str(e)[:160]}")
                continue
            diff = compare(s_params, t_params)
            if diff is None:
                for i, (s, t) in enumerate(zip(s_state, t_state)):
                    if sorted(s) != sorted(t):
                        diff = f"state keys of param {i}: {sorted(s)} vs torch's {sorted(t)}"
                        break
                    d = compare([s[k] for k in sorted(s)], [t[k] for k in sorted(t)])
                    if d:
                        diff = f"state of param {i}: {d}"
                        break
            if diff:
                print(f"{desc}: {diff}")
            else:
                agree += 1
    print(f"agree: {agree} / {total} configurations")


if __name__ == "__main__":
    main()
