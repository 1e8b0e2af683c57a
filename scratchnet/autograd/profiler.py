"""torch.autograd.profiler: the older spelling of :mod:`scratchnet.profiler` (the same
recording: each Function's forward and backward, and ``record_function`` blocks).

>>> import scratchnet as sn
>>> with profile() as prof:
...     _ = sn.ones(2) * 3
>>> [e.key for e in prof.key_averages()]
['Mul']
"""

from ..profiler import EventList, FunctionEvent, FunctionEventAvg, record_function  # noqa: F401
from ..profiler import profile as _profile

__all__ = ["profile", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg"]


class profile(_profile):
    """``torch.autograd.profiler.profile(enabled=True, ...)``: records the block's ops on the CPU;
    ``function_events`` lists them and ``self_cpu_time_total`` sums their own time (µs)."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False, profile_memory=False,
                 with_stack=False, with_modules=False, use_kineto=False, use_cpu=True, experimental_config=None, acc_events=False,
                 custom_trace_id_callback=None):
        super().__init__(record_shapes=record_shapes)
        self.enabled = enabled

    def start(self):
        if self.enabled:
            super().start()

    @property
    def function_events(self):
        return self.events()

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self.events())

    def table(self, *args, **kwargs):
        return self.events().table(*args, **kwargs)
