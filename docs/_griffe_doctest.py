"""A griffe extension for the docs build: show bare doctest blocks as Python console code.

scratchnet's docstrings carry ``>>>`` examples that pytest runs. Written at the left margin of a
docstring they are plain paragraphs to Markdown, whose ``[...]`` output would read as links; this
extension wraps each such block (the ``>>>`` lines and the output below them, up to a blank line)
in a ``pycon`` fence before mkdocstrings renders it. Indented examples (in an ``Examples:``
section) are left to griffe.
"""

import griffe


def fence_doctests(text):
    """``text`` with every left-margin doctest block fenced as ```pycon."""
    out, block = [], False
    for line in text.splitlines():
        if not block and line.startswith(">>>"):
            out.append("```pycon")
            block = True
        elif block and not line.strip():
            out.append("```")
            block = False
        out.append(line)
    if block:
        out.append("```")
    return "\n".join(out)


class FenceDoctests(griffe.Extension):
    """Fence the doctest blocks of every docstring griffe loads."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
