"""Benchmarks: scratchnet against PyTorch CPU (and CUDA when present), as ratios measured in one run."""
