"""Not ops: resizing a tensor's memory in place (refused while it requires grad, so there is no
gradient to compare); compared with torch in tests/test_programs_a.py."""

CASES = []
NOT_OPS = {"resize_": "reshapes a tensor's memory in place, outside autograd; tested in test_programs_a.py",
           "resize_as_": "resize_ to another tensor's shape; tested in test_programs_a.py"}
