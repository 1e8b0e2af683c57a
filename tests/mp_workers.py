"""Functions that test processes run (a module of their own, so a spawned process imports only
scratchnet, not torch)."""

import scratchnet as sn


def hogwild_worker(model, step, done):
    with sn.no_grad():
        for _ in range(50):
            model.weight.array += step  # the in-place update an optimizer makes
    done.put(step)


def square(i, out):
    out.put((i, i * i))
