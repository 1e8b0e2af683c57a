"""The seed's worked backpropagation example: one gradient-descent step of a 2-2-2 sigmoid net.

The network has no biases. Hidden: h = sigmoid(W_hidden @ x) with W_hidden = [[W1, W2], [W3, W4]];
output: o = sigmoid(W_out @ h) with W_out = [[W5, W6], [W7, W8]]; loss E = 1/2 sum((t - o)^2),
which is PyTorch's MSELoss() with mean reduction over the two outputs. One step at lr 0.5 takes
W5 from 0.45 to 0.43703857.

The step is written once against the API that scratchnet and torch share, so the same code runs
on both engines: ``step(scratchnet)`` and ``step(torch)``.

>>> import scratchnet
>>> values = step(scratchnet)
>>> round(values["W5"], 8)
0.43703857

Run ``python -m scratchnet.examples.w5`` (or ``scratchnet w5``) to see every number beside
PyTorch's.
"""

import sys

X = (0.1, 0.2)
TARGET = (0.4, 0.6)
W_HIDDEN = ((0.3, 0.25), (0.4, 0.35))  # (W1, W2), (W3, W4): x1, x2 -> h1 and x1, x2 -> h2
W_OUT = ((0.45, 0.4), (0.7, 0.6))  # (W5, W6), (W7, W8): h1, h2 -> o1 and h1, h2 -> o2
LR = 0.5

#: The numbers the seed prints, to 8 decimals.
SEED_VALUES = {
    "z1": 0.08, "z2": 0.11, "h1": 0.51998934, "h2": 0.52747230, "z3": 0.44498412,
    "z4": 0.68047592, "o1": 0.60944600, "o2": 0.66384491, "E": 0.02397190,
    "dE/do1": 0.20944600, "do1/dz3": 0.23802157, "dz3/dW5": 0.51998934, "dE/dW5": 0.02592286,
    "W5": 0.43703857,
}


def step(lib, x=X, target=TARGET, w_hidden=W_HIDDEN, w_out=W_OUT, lr=LR, dtype=None):
    """One forward pass, backward pass and gradient-descent step in ``lib`` (scratchnet or torch).

    Returns every intermediate value, the chain-rule factors of dE/dW5 and the eight updated
    weights, as Python floats.
    """
    dtype = dtype or lib.float64
    x = lib.tensor(x, dtype=dtype)
    t = lib.tensor(target, dtype=dtype)
    w_hidden = lib.tensor(w_hidden, dtype=dtype, requires_grad=True)
    w_out = lib.tensor(w_out, dtype=dtype, requires_grad=True)

    z_hidden = w_hidden @ x
    h = lib.sigmoid(z_hidden)
    z_out = w_out @ h
    o = lib.sigmoid(z_out)
    z_out.retain_grad()
    o.retain_grad()
    E = 0.5 * ((t - o) ** 2).sum()
    E.backward()

    values = {
        "z1": z_hidden[0], "z2": z_hidden[1], "h1": h[0], "h2": h[1],
        "z3": z_out[0], "z4": z_out[1], "o1": o[0], "o2": o[1], "E": E,
        # the chain rule of dE/dW5, each factor read off the backward pass
        "dE/do1": o.grad[0], "do1/dz3": z_out.grad[0] / o.grad[0], "dz3/dW5": h[0],
        "dE/dW5": w_out.grad[0, 0],
    }
    values = {k: float(v.item()) for k, v in values.items()}
    with lib.no_grad():
        w_hidden -= lr * w_hidden.grad
        w_out -= lr * w_out.grad
    for i, w in enumerate(w_hidden.detach().reshape(-1).tolist() + w_out.detach().reshape(-1).tolist()):
        values[f"W{i + 1}"] = w
    return values


def table(values, other=None, other_name="torch", seed=SEED_VALUES):
    """The values as text, with the seed's number, another engine's and the difference beside each."""
    head = f"{'':>8} {'scratchnet':>12} {'seed':>12}"
    if other is not None:
        head += f" {other_name:>12} {'difference':>11}"
    lines = [head]
    for key, value in values.items():
        line = f"{key:>8} {value:>12.8f} " + (f"{seed[key]:>12.8f}" if key in seed else f"{'':>12}")
        if other is not None:
            line += f" {other[key]:>12.8f} {value - other[key]:>11.1e}"
        lines.append(line)
    return "\n".join(lines)


def chain_from_trace(t):
    """dE/do1, do1/dz3, dz3/dW5 and dE/dW5, read off a recorded backward pass of :func:`step`.

    The first SigmoidBackward0 visited is the output layer's: the gradient arriving there is dE/do,
    the one it hands on is dE/dz3. The first MmBackward0 after it is W_out @ h: the gradient it
    hands to W_out is dE/dW_out, whose [0, 0] entry is dE/dW5.
    """
    out_sigmoid = t.find("SigmoidBackward0")[0]
    mm = next(s for s in t.steps if s.name == "MmBackward0" and s.index > out_sigmoid.index)
    dE_do1 = float(out_sigmoid.grad_output[0])
    dE_dz3 = float(out_sigmoid.grad_inputs[0][0])
    dE_dW5 = float(mm.grad_inputs[0][0, 0])
    return {"dE/do1": dE_do1, "do1/dz3": dE_dz3 / dE_do1, "dz3/dW5": dE_dW5 / dE_dz3, "dE/dW5": dE_dW5}


def main(argv=None, trace=False):
    import scratchnet

    if trace:
        with scratchnet.trace.backward() as t:
            values = step(scratchnet)
        print("The backward pass of E, node by node (float64):")
        print(t.table())
        chain = chain_from_trace(t)
        print(
            f"\nFrom the trace: dE/do1 = {chain['dE/do1']:.8f} (arriving at the output sigmoid), "
            f"do1/dz3 = {chain['do1/dz3']:.8f} (its local derivative o1 (1 - o1)), "
            f"dz3/dW5 = {chain['dz3/dW5']:.8f} (= h1, from MmBackward0), so dE/dW5 = {chain['dE/dW5']:.8f}\n"
        )
    values = step(scratchnet)
    try:
        import torch
    except ImportError:  # the table still shows the seed's numbers
        torch = None
    other = step(torch) if torch is not None else None
    print("The seed's worked example: a 2-2-2 sigmoid net, E = 1/2 sum((t - o)^2), one step at lr 0.5")
    print(table(values, other))
    print(
        f"\ndE/dW5 = dE/do1 * do1/dz3 * dz3/dW5 = {values['dE/do1']:.8f} * {values['do1/dz3']:.8f} * "
        f"{values['dz3/dW5']:.8f} = {values['dE/dW5']:.8f}"
    )
    print(f"W5+ = 0.45 - 0.5 * {values['dE/dW5']:.8f} = {values['W5']:.8f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
