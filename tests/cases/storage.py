"""Not ops: where a tensor's values live (tested in tests/test_namespace.py)."""

CASES = []
NOT_OPS = {"share_memory_": "moves storage into shared memory; tested in test_namespace.py",
           "is_shared": "a storage query; tested in test_namespace.py",
           "cuda": "device placement (refused: no GPU); tested in test_namespace.py",
           "pin_memory": "device placement (refused: no accelerator); tested in test_namespace.py",
           "is_pinned": "a storage query; tested in test_namespace.py",
           "get_device": "a device query; tested in test_namespace.py"}
