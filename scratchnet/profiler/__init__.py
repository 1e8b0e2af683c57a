"""torch.profiler's mirror: where a program's time goes, op by op.

Inside ``with profile() as prof:`` every op scratchnet runs is timed: each Function's forward
(named as the op, ``Mul``) and backward (named as its node, ``MulBackward0``), and each
``record_function("name")`` block. ``prof.key_averages()`` groups the events by name, with torch's
columns (calls, self and total CPU time), and ``.table()`` prints them as torch does;
``prof.export_chrome_trace(path)`` writes them for chrome://tracing or Perfetto. A ``schedule``
(``wait``, ``warmup``, ``active`` steps, with ``prof.step()`` between steps) limits the recording,
and ``on_trace_ready`` is called after each active window, as torch calls it.

Only CPU activity exists here; asking for CUDA records nothing more (torch on a GPU-less machine
does the same, with a warning).

>>> import scratchnet as sn
>>> with profile() as prof:
...     with record_function("square"):
...         y = (sn.ones(3, requires_grad=True) * 2).sum()
...     y.backward()
>>> {"square", "Mul", "SumAll", "SumBackward0", "MulBackward0"} <= {e.key for e in prof.key_averages()}
True
"""

import contextlib
import enum
import functools
import json
import os
import time

__all__ = ["ProfilerAction", "ProfilerActivity", "profile", "record_function", "schedule", "tensorboard_trace_handler"]


class ProfilerActivity(enum.Enum):
    """What a profile records; scratchnet has only the CPU's."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What the profiler does at a step of its schedule."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """torch's step schedule: after ``skip_first`` steps, cycles of ``wait`` idle, ``warmup`` and
    ``active`` recorded steps (the last active one saves), ``repeat`` times (0: forever).

    >>> [schedule(wait=1, warmup=1, active=2)(s).name for s in range(5)]
    ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise ValueError("Invalid profiler schedule arguments")

    def at(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        position = step % cycle
        if position < wait:
            return ProfilerAction.NONE
        if position < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if position < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return at


class FunctionEvent:
    """One timed call: its name, start and end (µs from the profile's start), and its children."""

    def __init__(self, name, start_us, depth):
        self.name, self.key, self.time_range_start, self.depth = name, name, start_us, depth
        self.time_range_end, self.children, self.input_shapes = start_us, [], []

    @property
    def cpu_time_total(self):
        return self.time_range_end - self.time_range_start

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.children)

    def __repr__(self):
        return f"<FunctionEvent {self.name} {self.cpu_time_total:.1f}us>"


class FunctionEventAvg:
    """The events of one name together (``key_averages``), in torch's fields (µs)."""

    def __init__(self, key):
        self.key, self.count, self.cpu_time_total, self.self_cpu_time_total = key, 0, 0.0, 0.0
        self.device_time_total = self.self_device_time_total = self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.cuda_time_total = self.self_cuda_time_total = 0
        self.input_shapes = None

    def add(self, event):
        self.count += 1
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self):
        return f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total:.1f}us cpu_time={self.cpu_time_total:.1f}us count={self.count}>"


def _us(value):
    return f"{value / 1e6:.3f}s" if value >= 1e6 else f"{value / 1e3:.3f}ms" if value >= 1e3 else f"{value:.3f}us"


class EventList(list):
    """A list of events with torch's ``table()`` and ``total_average()``."""

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55, max_shapes_column_width=80,
              header=None, top_level_events_only=False):
        """torch's profile table: one row per event (or per name, after key_averages), sorted by
        ``sort_by`` (an attribute such as ``"cpu_time_total"`` or ``"self_cpu_time_total"``)."""
        rows = list(self)
        if sort_by is not None:
            rows.sort(key=lambda e: getattr(e, sort_by.replace("cuda", "device"), 0), reverse=True)
        rows = rows[:row_limit] if row_limit and row_limit > 0 else rows
        total_self = sum(e.self_cpu_time_total for e in self) or 1.0
        width = max([len("Name")] + [min(len(e.key), max_name_column_width) for e in rows]) + 2
        columns = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        line = "-" * width + ("  " + "-" * 12) * len(columns)
        out = ([header] if header else []) + [line, "Name".ljust(width) + "".join(f"  {c:>12}" for c in columns), line]
        for e in rows:
            count = getattr(e, "count", 1)
            cells = [f"{100 * e.self_cpu_time_total / total_self:.2f}%", _us(e.self_cpu_time_total),
                     f"{100 * e.cpu_time_total / total_self:.2f}%", _us(e.cpu_time_total), _us(e.cpu_time_total / max(count, 1)), str(count)]
            out.append(e.key[:max_name_column_width].ljust(width) + "".join(f"  {c:>12}" for c in cells))
        out += [line, f"Self CPU time total: {_us(sum(e.self_cpu_time_total for e in self))}", ""]
        return "\n".join(out)

    def total_average(self):
        total = FunctionEventAvg("Total")
        for e in self:
            total.count += getattr(e, "count", 1)
            total.cpu_time_total += e.cpu_time_total
            total.self_cpu_time_total += e.self_cpu_time_total
        return total

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        groups = {}
        for e in self:
            groups.setdefault(e.key, FunctionEventAvg(e.key)).add(e)
        return EventList(groups.values())


# --- recording ------------------------------------------------------------------------------------

_ACTIVE = []  # the profiles recording now (innermost last)


class _Recorder:
    """The events of one recording window, with the stack of calls now open."""

    def __init__(self):
        self.origin, self.events, self.stack = time.perf_counter(), EventList(), []

    def open(self, name):
        event = FunctionEvent(name, (time.perf_counter() - self.origin) * 1e6, len(self.stack))
        if self.stack:
            self.stack[-1].children.append(event)
        self.events.append(event)
        self.stack.append(event)
        return event

    def close(self, event):
        event.time_range_end = (time.perf_counter() - self.origin) * 1e6
        if self.stack and self.stack[-1] is event:
            self.stack.pop()


@contextlib.contextmanager
def _span(name):
    recorders = [p._recorder for p in _ACTIVE if p._recorder is not None]
    events = [(r, r.open(name)) for r in recorders]
    try:
        yield
    finally:
        for r, e in reversed(events):
            r.close(e)


def _instrument():
    """Time every Function's forward (through ``Function.apply``) and backward, while any profile
    records; undone when the last one stops."""
    from ..tensor import Function

    apply = Function.__dict__["apply"].__func__

    def timed_apply(cls, *inputs, **params):
        with _span(cls.__name__):
            return apply(cls, *inputs, **params)

    def timed_backward(method):
        @functools.wraps(method)
        def run(ctx, *grads):
            with _span(ctx.name()):
                return method(ctx, *grads)

        return run

    patched, stack = {}, [Function]
    while stack:
        for cls in stack.pop().__subclasses__():
            stack.append(cls)
            if "backward" in cls.__dict__:
                patched[cls] = cls.__dict__["backward"]
                cls.backward = timed_backward(patched[cls])
    Function.apply = classmethod(timed_apply)

    def undo():
        Function.apply = classmethod(apply)
        for cls, method in patched.items():
            cls.backward = method

    return undo


_undo = [None]


class profile:
    """``torch.profiler.profile``: a context manager (or ``start()``/``stop()``) recording the
    ops run inside it, on the CPU; with a ``schedule``, only the recorded steps of each cycle.

    >>> import scratchnet as sn
    >>> with profile(activities=[ProfilerActivity.CPU]) as prof:
    ...     _ = sn.ones(2) + 1
    >>> [(e.key, e.count) for e in prof.key_averages()]
    [('Add', 1)]
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False, profile_memory=False, with_stack=False,
                 with_flops=False, with_modules=False, experimental_config=None, execution_trace_observer=None, acc_events=False,
                 use_cuda=None, custom_trace_id_callback=None):
        self.activities = set(activities or [ProfilerActivity.CPU])
        self.schedule, self.on_trace_ready, self.record_shapes = schedule, on_trace_ready, record_shapes
        self.step_num, self._recorder, self._saved, self._running = 0, None, EventList(), False

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _action(self):
        return self.schedule(self.step_num) if self.schedule else ProfilerAction.RECORD

    def _begin(self):
        if self._recorder is None:
            self._recorder = _Recorder()

    def _finish(self, save):
        if self._recorder is not None:
            self._saved = self._recorder.events
            self._recorder = None
            if save and self.on_trace_ready is not None:
                self.on_trace_ready(self)

    def start(self):
        if not _ACTIVE:
            _undo[0] = _instrument()
        _ACTIVE.append(self)
        self._running = True
        if self._action() != ProfilerAction.NONE:
            self._begin()

    def stop(self):
        if not self._running:
            return
        self._running = False
        self._finish(save=True)
        _ACTIVE.remove(self)
        if not _ACTIVE and _undo[0] is not None:
            _undo[0]()
            _undo[0] = None

    def step(self):
        """Mark the end of a training step: the schedule moves on (and may save, start or stop)."""
        before = self._action()
        self.step_num += 1
        after = self._action()
        if before == ProfilerAction.RECORD_AND_SAVE:
            self._finish(save=True)
        elif before in (ProfilerAction.WARMUP, ProfilerAction.RECORD) and after == ProfilerAction.NONE:
            self._finish(save=False)
        if after != ProfilerAction.NONE and self._running:
            if before == ProfilerAction.WARMUP and after in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE) and self._recorder is not None:
                self._recorder = _Recorder()  # warm-up steps are not kept
            self._begin()

    def events(self):
        """Every recorded event of the last window (each call, with its children)."""
        return self._recorder.events if self._recorder is not None else self._saved

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        """The events grouped by name: calls, total and self CPU time (µs)."""
        return self.events().key_averages()

    def export_chrome_trace(self, path):
        """Write the events as Chrome's trace format (JSON: one complete event per call)."""
        trace = {"traceEvents": [{"name": e.name, "ph": "X", "cat": "cpu_op", "ts": e.time_range_start, "dur": e.cpu_time_total,
                                  "pid": os.getpid(), "tid": 0} for e in self.events()]}
        with open(path, "w") as f:
            json.dump(trace, f)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Write one ``name;child;... microseconds`` line per event (for flame graphs)."""
        with open(path, "w") as f:
            for e in self.events():
                f.write(f"{e.name} {int(getattr(e, metric))}\n")


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An ``on_trace_ready`` that writes each window's trace into ``dir_name`` (as torch names the
    files: ``<worker>.<time>.pt.trace.json``)."""
    import socket

    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        prof.export_chrome_trace(os.path.join(dir_name, f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json"))

    return handler


class record_function(contextlib.ContextDecorator):
    """Label a block (or a function, as a decorator) in the profile: it appears as one event
    named ``name`` whose total time includes the ops inside it."""

    def __init__(self, name, args=None):
        self.name, self.args, self._span = name, args, None

    def __enter__(self):
        self._span = _span(self.name)
        self._span.__enter__()
        return self

    def __exit__(self, *exc):
        self._span.__exit__(*exc)
        return False
