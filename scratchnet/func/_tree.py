"""Nested containers of tensors (torch's pytrees): tuples, lists, dicts and namedtuples, flattened
to a list of leaves and a spec that rebuilds the same structure."""

__all__ = ["tree_flatten", "tree_map", "tree_unflatten"]


def tree_flatten(tree):
    """``(leaves, spec)``: the leaves left to right (dicts in insertion order)."""
    leaves = []

    def walk(node):
        if isinstance(node, tuple) and hasattr(node, "_fields"):
            return ("namedtuple", type(node), [walk(v) for v in node])
        if isinstance(node, (tuple, list)):
            return (type(node).__name__, None, [walk(v) for v in node])
        if isinstance(node, dict):
            return ("dict", (type(node), list(node)), [walk(v) for v in node.values()])
        leaves.append(node)
        return ("leaf", None, None)

    return leaves, walk(tree)


def tree_unflatten(leaves, spec):
    """The structure ``spec`` with ``leaves`` put back in order."""
    it = iter(leaves)

    def build(s):
        kind, meta, children = s
        if kind == "leaf":
            return next(it)
        values = [build(c) for c in children]
        if kind == "namedtuple":
            return meta(*values)
        if kind == "dict":
            cls, keys = meta
            return cls(zip(keys, values))
        return tuple(values) if kind == "tuple" else values

    return build(spec)


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)
