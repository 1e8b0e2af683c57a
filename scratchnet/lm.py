"""Training a character language model the GPT way, written once for both engines (``lib`` is
``scratchnet`` or ``torch``): AdamW over two parameter groups, gradient clipping and a warm-up +
cosine learning-rate schedule set on the groups at every step.

>>> [round(lr_at(s, total=10, warmup=2, lr=1.0, min_lr=0.1), 4) for s in (0, 1, 2, 6, 9)]
[0.5, 1.0, 1.0, 0.4499, 0.1]
"""

import math


def param_groups(model, weight_decay=0.1):
    """minGPT's split: matrices (weights of Linear layers, dim >= 2, not embeddings or LayerNorm)
    decay; biases, LayerNorm weights and embeddings do not. A tied weight appears once, in the
    group of its first name. Two groups, each in ``named_parameters`` order.
    """
    decay, no_decay = [], []
    embedding_weights = {id(m.weight) for m in model.modules() if type(m).__name__ == "Embedding"}
    for name, p in model.named_parameters():
        matrix = p.dim() >= 2 and id(p) not in embedding_weights
        (decay if matrix else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def make_optimizer(lib, model, lr=1e-3, weight_decay=0.1, betas=(0.9, 0.95)):
    """``lib.optim.AdamW`` over :func:`param_groups` with GPT's betas."""
    return lib.optim.AdamW(param_groups(model, weight_decay), lr=lr, betas=betas)


def lr_at(step, total, warmup, lr, min_lr):
    """The learning rate of (0-based) ``step`` of ``total``: linear warm-up over ``warmup`` steps
    to ``lr``, then a cosine decay to ``min_lr`` at the last step."""
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - 1 - warmup)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))) * (lr - min_lr)


def lm_loss(lib, logits, targets):
    """Mean cross-entropy of (B, T, V) logits against (B, T) next-character ids."""
    return lib.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def train_step(lib, model, optimizer, x, y, lr, clip=1.0):
    """One step: set ``lr`` on every group, forward, loss, backward, clip the gradient norm to
    ``clip``, update. Returns (loss, total gradient norm before clipping) as tensors."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    model.train()
    optimizer.zero_grad()
    loss = lm_loss(lib, model(x), y)
    loss.backward()
    norm = lib.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss, norm


def generate(lib, model, ids, tokens, temperature=1.0, top_k=None, block_size=None):
    """Extend ``ids`` (a (1, T) int64 tensor) by ``tokens`` characters sampled one at a time:
    logits of the last position / temperature, all but the ``top_k`` largest set to -inf, softmax,
    one ``lib.multinomial`` draw from the default generator. Returns the (1, T + tokens) ids."""
    model.eval()
    with lib.no_grad():
        for _ in range(tokens):
            context = ids if block_size is None else ids[:, -block_size:]
            logits = model(context)[:, -1, :] / temperature
            if top_k is not None and top_k < logits.shape[-1]:
                logits = logits.masked_fill(logits < kth_largest(lib, logits, top_k), float("-inf"))
            probs = lib.nn.functional.softmax(logits, dim=-1)
            ids = lib.cat([ids, lib.multinomial(probs, 1)], dim=1)
    return ids


def kth_largest(lib, logits, k):
    """The k-th largest value of each row, shaped (rows, 1)."""
    if hasattr(lib, "topk"):
        return lib.topk(logits, k, dim=-1)[0][:, -1:]
    from .backend import xp  # scratchnet has no topk yet: take the k-th largest with a partition

    values = logits.detach().array
    kth = xp.partition(values, values.shape[-1] - k, axis=-1)[:, values.shape[-1] - k : values.shape[-1] - k + 1]
    return lib.tensor(kth)
