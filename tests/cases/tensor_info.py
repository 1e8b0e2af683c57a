"""Registry entries for scratchnet/ops/tensor_info.py: none of its names computes a value with a
gradient, so each is listed as not an op; tests/test_tensor_info.py holds them to torch."""

from scratchnet.ops.tensor_info import _NEVER

CASES = []

NOT_OPS = {name: "a Python bool, False for every dense CPU tensor (tests/test_tensor_info.py)" for name in _NEVER}
NOT_OPS.update({
    "as_subclass": "the same tensor as another Tensor class (tests/test_tensor_info.py)",
    "const_data_ptr": "returns an address",
    "dim_order": "returns a tuple of dims (tests/test_tensor_info.py)",
    "is_set_to": "returns a Python bool (tests/test_tensor_info.py)",
    "map_": "applies a Python function element by element; no graph, as torch (tests/test_tensor_info.py)",
    "map2_": "applies a Python function element by element; no graph, as torch (tests/test_tensor_info.py)",
    "new": "the legacy constructor (tests/test_tensor_info.py)",
    "set_": "rebinds the tensor's memory (tests/test_tensor_info.py)",
})
