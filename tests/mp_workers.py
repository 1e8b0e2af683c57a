"""Functions that test processes run (a module of their own, so a spawned process imports only
scratchnet, not torch)."""

import scratchnet as sn


def hogwild_worker(model, step, column, done):
    with sn.no_grad():
        for _ in range(50):  # the in-place update an optimizer makes, on this worker's own column
            model.weight.array[:, column] += step  # (two processes adding to one element would race)
    done.put(step)


def square(i, out):
    out.put((i, i * i))


class DiesAtTwo:
    """A dataset whose worker process dies (as if killed) when asked for item 2."""

    def __getitem__(self, i):
        if i == 2:
            import os

            os._exit(3)
        return i

    def __len__(self):
        return 4


class Doubles:
    """Item i is (i, 2.0 * i)."""

    def __getitem__(self, i):
        return i, 2.0 * i

    def __len__(self):
        return 7
