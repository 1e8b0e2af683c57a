"""Benchmarks: scratchnet against PyTorch CPU (and CUDA when present), as ratios measured in one run."""

import os as _os

# torch's profiler (kineto) logs "gpuGetDeviceCount failed" on machines without a GPU: errors of its
# own below FATAL stay quiet unless the user asked for its logs
_os.environ.setdefault("KINETO_LOG_LEVEL", "5")
