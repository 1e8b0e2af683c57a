"""``scratchnet.backends.mkldnn``: not used (NumPy does the arithmetic)."""

enabled = True


def is_available():
    return False
