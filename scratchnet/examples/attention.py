"""The backward pass of one causal self-attention head, read off ``scratchnet.trace``.

    python -m scratchnet.examples.attention

builds a one-head :class:`scratchnet.models.CausalSelfAttention` (width 2, three positions, float64,
``manual_seed(0)``, its q/k/v weights drawn from N(0, 1) so the scores differ visibly), runs ``L = sum(y * R)`` for a fixed random ``R`` backward inside
``scratchnet.trace.backward()``, picks out the nodes of ``softmax(Q K^T / sqrt(d) + mask) V`` and
checks each gradient the trace shows against the formula written by hand. docs/attention-backward.md
walks through the numbers this prints.

>>> numbers = walkthrough()
>>> numbers["max |trace - formula|"] < 1e-12
True
"""

import math

from ..backend import xp


def traced_head(seed=0, steps=3, width=2):
    """(the attention module, x, R, the trace of L = sum(attn(x) * R)'s backward)."""
    import scratchnet
    from scratchnet.models import CausalSelfAttention

    scratchnet.manual_seed(seed)
    attn = CausalSelfAttention(width, 1).double()
    scratchnet.nn.init.normal_(attn.c_attn.weight, std=1.0)  # larger than minGPT's 0.02: scores far apart
    x = scratchnet.randn(1, steps, width, dtype=scratchnet.float64, requires_grad=True)
    R = scratchnet.randn(1, steps, width, dtype=scratchnet.float64)
    with scratchnet.trace.backward() as t:
        (attn(x) * R).sum().backward()
    return attn, x, R, t


def walkthrough(seed=0):
    """The forward matrices (Q, K, V, P) and each backward step's gradient from the trace, plus the
    same gradients from the hand formulas; arrays of one head, (T, T) or (T, d)."""
    import scratchnet

    attn, x, _, t = traced_head(seed)
    C = x.shape[-1]
    with scratchnet.no_grad():  # the forward values the backward uses, by the module's own ops
        q, k, v = (a.numpy()[0] for a in attn.c_attn(x).split(C, dim=2))
    d = C  # one head: head size = width
    S = q @ k.T / math.sqrt(d)
    S = xp.where(xp.triu(xp.ones_like(S), 1) > 0, -xp.inf, S)
    P = xp.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)

    softmax = t.find("SoftmaxBackward0")[0]
    pv = t.steps[softmax.index - 1]  # the node before softmax's in the walk: y = P @ V
    scale = next(s for s in t.steps[softmax.index:] if s.name == "MulBackward0")
    qk = next(s for s in t.steps[scale.index:] if s.name in ("MmBackward0", "BmmBackward0", "MatmulBackward0"))
    dY = pv.grad_output[0, 0]
    dP, dV = pv.grad_inputs[0][0, 0], pv.grad_inputs[1][0, 0]
    dS = softmax.grad_inputs[0][0, 0]  # dL/d(masked scores)
    dQK = scale.grad_inputs[0][0, 0]  # dL/d(Q K^T), before the 1/sqrt(d)
    dQ, dKt = qk.grad_inputs[0][0, 0], qk.grad_inputs[1][0, 0]

    formula = {
        "dV": P.T @ dY,
        "dP": dY @ v.T,
        "dS": P * (dP - (dP * P).sum(-1, keepdims=True)),
        "dQK": dS / math.sqrt(d),
        "dQ": (dS / math.sqrt(d)) @ k,
        "dK^T": q.T @ (dS / math.sqrt(d)),
    }
    traced = {"dV": dV, "dP": dP, "dS": dS, "dQK": dQK, "dQ": dQ, "dK^T": dKt}
    error = max(float(xp.abs(traced[n] - formula[n]).max()) for n in formula)
    return {"Q": q, "K": k, "V": v, "P": P, "dY": dY, "trace": traced, "formula": formula,
            "nodes": [(s.index, s.name) for s in (pv, softmax, scale, qk)], "table": t.table(),
            "max |trace - formula|": error}


def _fmt(a):
    return xp.array2string(xp.asarray(a), precision=4, suppress_small=True, floatmode="fixed", separator=", ")


def report(seed=0):
    """The text docs/attention-backward.md quotes."""
    n = walkthrough(seed)
    lines = ["trace nodes used: " + ", ".join(f"#{i} {name}" for i, name in n["nodes"])]
    for name in ("Q", "K", "V", "P", "dY"):
        lines.append(f"{name} =\n{_fmt(n[name])}")
    for name in ("dV", "dP", "dS", "dQK", "dQ", "dK^T"):
        lines.append(f"{name} (trace) =\n{_fmt(n['trace'][name])}")
    lines.append(f"largest |trace - formula| over all six: {n['max |trace - formula|']:.1e}")
    return "\n".join(lines)


def main():
    print(walkthrough()["table"])
    print()
    print(report())
    return 0


if __name__ == "__main__":
    main()
