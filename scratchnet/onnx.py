"""``torch.onnx``'s names, so programs that import it (to offer an ONNX export option) run.
scratchnet has no ONNX exporter: :func:`export` raises a clear error instead of writing a file.

>>> import scratchnet.onnx
>>> scratchnet.onnx.is_in_onnx_export()
False
"""

__all__ = ["export", "is_in_onnx_export"]


def is_in_onnx_export():
    """False: scratchnet never runs a model inside an ONNX export."""
    return False


def export(model, args=(), f=None, *rest, **kwargs):
    """Not available: scratchnet cannot trace a model into an ONNX graph.

    >>> export(None, (), "model.onnx")
    Traceback (most recent call last):
    ...
    NotImplementedError: torch.onnx.export: scratchnet has no ONNX exporter (save the state_dict and export it with PyTorch)
    """
    raise NotImplementedError("torch.onnx.export: scratchnet has no ONNX exporter (save the state_dict and export it with PyTorch)")
