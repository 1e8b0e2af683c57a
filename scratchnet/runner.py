"""``scratchnet run script.py [args]``: run an unmodified PyTorch script on scratchnet.

The script runs as ``python script.py args`` would run it — ``__name__ == "__main__"``,
``sys.argv`` is ``[script.py, *args]``, its folder first on ``sys.path``, ``sys.exit(n)`` becomes
the exit status — but inside :func:`scratchnet.as_torch`, so each ``import torch`` (or
``torchvision``, or any sub-path) imports scratchnet. ``scratchnet run -m package.module`` runs a
module as ``python -m`` does.
"""

import os
import runpy
import sys
import traceback

from .torch_alias import as_torch

USAGE = """usage: scratchnet run [-h] SCRIPT.py [ARGS ...]
       scratchnet run -m MODULE [ARGS ...]

Run an unmodified PyTorch program on scratchnet: inside scratchnet.as_torch(), every
`import torch` / `import torchvision` (and every sub-path: torch.nn.functional,
torch.utils.data, torchvision.datasets, ...) imports scratchnet's module of the same path.
The script sees sys.argv = [SCRIPT.py, ARGS...] and __name__ == "__main__"; its exit status
is the command's. A torch part scratchnet does not have stops the script with
ModuleNotFoundError naming it.

positional arguments:
  SCRIPT.py   the PyTorch script to run
  ARGS        passed to the script unchanged (its own flags, --help included)

options:
  -h, --help  show this help message and exit
  -m MODULE   run a module (as python -m MODULE) instead of a file
"""


def _exit_status(code):
    """What the process would exit with after ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") prints the message and exits 1
    return 1


def _print_script_traceback(error):
    """The traceback of an exception the script raised, without this runner's own frames."""
    tb = error.__traceback__
    runner_files = (__file__, runpy.__file__, "<frozen runpy>")
    while tb is not None and tb.tb_frame.f_code.co_filename in runner_files:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)


def run_script(target, args=(), module=False):
    """Run ``target`` (a script path, or a module name with ``module=True``) under
    :func:`scratchnet.as_torch` with ``sys.argv = [target, *args]``; returns its exit status.

    An exception the script does not catch prints its traceback (as Python would) and gives 1.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "hello.py")
    >>> with open(path, "w") as f:
    ...     _ = f.write("import sys, torch\\nprint(torch.__name__, sys.argv[1:])\\nsys.exit(3)\\n")
    >>> run_script(path, ["--lr", "0.1"])
    scratchnet ['--lr', '0.1']
    3
    """
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    if module:
        sys.argv = [target, *args]
        sys.path.insert(0, os.getcwd())
    else:
        sys.argv = [target, *args]
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
    try:
        with as_torch():
            if module:
                runpy.run_module(target, run_name="__main__", alter_sys=True)
            else:
                runpy.run_path(target, run_name="__main__")
    except SystemExit as stop:
        return _exit_status(stop.code)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the script's own failure: its traceback, status 1
        _print_script_traceback(error)
        return 1
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
    return 0


def main(argv):
    """The ``scratchnet run`` command line (``argv`` after ``run``)."""
    if not argv:
        print(USAGE, end="", file=sys.stderr)
        return 2
    if argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    if argv[0] == "-m":
        if len(argv) < 2:
            print("scratchnet run: error: -m needs a module name", file=sys.stderr)
            return 2
        return run_script(argv[1], argv[2:], module=True)
    if argv[0].startswith("-"):
        print(f"scratchnet run: error: unknown option {argv[0]} (the script's own flags go after its name)", file=sys.stderr)
        return 2
    path = argv[0]
    if not os.path.isfile(path):
        print(f"scratchnet run: error: {path}: no such file", file=sys.stderr)
        return 2
    return run_script(path, argv[1:])
