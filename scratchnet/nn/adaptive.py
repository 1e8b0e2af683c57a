"""The adaptive softmax (Grave et al. 2016, "Efficient softmax approximation for GPUs"):
``AdaptiveLogSoftmaxWithLoss``.

The classes, sorted by frequency, are split at ``cutoffs``: the first ``cutoffs[0]`` (the
shortlist) get their own logits in the *head*, and every later group (cluster) gets a single head
logit plus its own small *tail* network (``in_features -> in_features / div_value^(i+1) -> size of
the cluster``). The log-probability of a class in cluster ``i`` is the head's log-probability of
the cluster plus the tail's log-probability of the class within it.

>>> import scratchnet as sn
>>> _ = sn.manual_seed(0)
>>> asm = AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4, 7])
>>> out = asm(sn.randn(3, 8), sn.tensor([1, 5, 9]))
>>> out.output.shape, out.loss.shape
(scratchnet.Size([3]), scratchnet.Size([]))
>>> bool(asm.log_prob(sn.randn(2, 8)).exp().sum(1).allclose(sn.ones(2)))
True
"""

from collections import namedtuple

from ..ops.activation import log_softmax
from .container import ModuleList
from .layers import Linear
from .module import Module, Sequential

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    r"""Efficient softmax approximation: a head over the frequent classes and one logit per
    cluster of rarer classes, and a small tail network per cluster.

    Args:
        in_features (int): the features of each input.
        n_classes (int): the number of classes.
        cutoffs (Sequence[int]): increasing, unique cluster boundaries in ``[1, n_classes - 1]``.
        div_value (float): each further cluster's hidden size is ``in_features`` divided by one
            more power of this. Default: 4.
        head_bias (bool): the head has a bias. Default: False.

    ``forward(input, target)`` returns ``(output, loss)``: ``output`` the log-probability of each
    target :math:`(N)` (or a scalar for an unbatched input), ``loss`` the mean negative
    log-likelihood. ``log_prob(input)`` gives all :math:`(N, \text{n\_classes})`
    log-probabilities, ``predict(input)`` the most probable class.

    >>> import scratchnet as sn
    >>> AdaptiveLogSoftmaxWithLoss(16, 100, [10, 50]).tail[1][0]
    Linear(in_features=16, out_features=1, bias=False)
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, "
                "where each value is between 1 and n_classes-1"
            )
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, dtype=dtype), Linear(hidden, size, bias=False, dtype=dtype)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for first, second in self.tail:
            first.reset_parameters()
            second.reset_parameters()

    def _check(self, input, target):
        if target.ndim == 1:
            if input.shape[0] != target.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input.ndim != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size {input.size()}")
        elif target.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size {input.size()}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")

    def forward(self, input_, target_):
        self._check(input_, target_)
        batched = target_.ndim > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = target_ if batched else target_.unsqueeze(0)
        t = target.array
        if t.size and (t.min() < 0 or t.max() >= self.n_classes):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range [{int(t.min())}, {int(t.max())}] were found. "
            )
        import numpy as np  # index bookkeeping only: which rows fall in which cluster

        head_index = t.copy()
        output = input.new_zeros(t.shape[0])
        for i in range(self.n_clusters):
            low, high = self.cutoffs[i], self.cutoffs[i + 1]
            rows = np.nonzero((t >= low) & (t < high))[0]
            if rows.size == 0:
                continue
            head_index[rows] = self.shortlist_size + i
            rows_t = target.new_tensor(rows)
            cluster = log_softmax(self.tail[i](input.index_select(0, rows_t)), 1)
            local = cluster.gather(1, target.new_tensor(t[rows] - low).unsqueeze(1)).squeeze(1)
            output = output.index_copy(0, rows_t, local)
        head = log_softmax(self.head(input), 1)
        output = output + head.gather(1, target.new_tensor(head_index).unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input, head_output):
        from ..ops.shape import cat

        head = log_softmax(head_output, 1)
        parts = [head[:, : self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = log_softmax(self.tail[i](input), 1)
            parts.append(cluster + head[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, 1)

    def log_prob(self, input):
        r"""The log-probabilities of all classes: :math:`(N, \text{in\_features}) \to (N, \text{n\_classes})`.

        >>> import scratchnet as sn
        >>> AdaptiveLogSoftmaxWithLoss(4, 6, [2]).log_prob(sn.randn(3, 4)).shape
        scratchnet.Size([3, 6])
        """
        return self._full_log_prob(input, self.head(input))

    def predict(self, input):
        r"""The most probable class of each input (as ``log_prob(input).argmax(1)``, computing the
        tails only for inputs whose best head logit is a cluster).

        >>> import scratchnet as sn
        >>> AdaptiveLogSoftmaxWithLoss(4, 6, [2]).predict(sn.randn(3, 4)).shape
        scratchnet.Size([3])
        """
        head_output = self.head(input)
        best = head_output.argmax(1)
        outside = best >= self.shortlist_size
        if not bool(outside.any()):
            return best
        if bool(outside.all()):
            return self._full_log_prob(input, head_output).argmax(1)
        best[outside] = self._full_log_prob(input[outside], head_output[outside]).argmax(1)
        return best
