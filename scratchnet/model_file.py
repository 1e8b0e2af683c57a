"""``scratchnet compare --model-file path.py:Net``: your own PyTorch model, in both engines.

The file is imported twice as two separate modules: once as written (real torch), once inside
:func:`scratchnet.as_torch` (its ``import torch`` gets scratchnet). ``Net`` (a class or any function
that returns a module, called with no arguments) is built in each, torch's weights are copied into
scratchnet's copy through ``state_dict``, and :func:`scratchnet.compare.locate_mismatch` runs both
forward and backward and names the first layer whose output or gradients disagree.
"""

import importlib.util
import itertools
import os
import sys

from .train import UsageError

_counter = itertools.count()


def parse_spec(spec):
    """``"path/to/file.py:Name"`` -> (path, "Name"); ``"file.py"`` alone -> (path, None).

    >>> parse_spec("models/net.py:Net")
    ('models/net.py', 'Net')
    >>> parse_spec("net.py")
    ('net.py', None)
    """
    path, name = spec, None
    head, sep, tail = spec.rpartition(":")
    if sep and head and not tail.replace(".", "/").startswith(("/", "\\")):  # not a Windows drive letter
        path, name = head, tail
        if not name.isidentifier():
            raise UsageError(f"--model-file {spec}: {name!r} is not a Python name (expected PATH.py:NAME, e.g. model.py:Net)")
    if not path.endswith(".py"):
        raise UsageError(f"--model-file {spec}: expected a Python file, PATH.py:NAME (e.g. model.py:Net)")
    return path, name


def parse_shape(text):
    """``"2,1,28,28"`` -> (2, 1, 28, 28); every size a positive whole number.

    >>> parse_shape("2, 1,28,28")
    (2, 1, 28, 28)
    """
    try:
        shape = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        shape = ()
    if not shape or any(n < 1 for n in shape):
        raise UsageError(f"--input-shape {text}: expected positive whole numbers separated by commas, e.g. 2,1,28,28")
    return shape


def _import_file(path, engine):
    """Import ``path`` as a fresh module (a name of its own each time), with its folder on sys.path
    for its own imports; modules it imports from that folder are forgotten afterwards, so the
    other engine's import runs them again."""
    folder = os.path.dirname(os.path.abspath(path))
    name = f"_scratchnet_compare_{engine}_{next(_counter)}_{os.path.splitext(os.path.basename(path))[0]}"
    before = set(sys.modules)
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except ModuleNotFoundError as error:
        raise UsageError(f"--model-file {path}: importing it with {engine} failed: {error}") from None
    except Exception as error:
        raise UsageError(f"--model-file {path}: importing it with {engine} raised {type(error).__name__}: {error}") from None
    finally:
        sys.path.remove(folder)
        for new in set(sys.modules) - before:
            file = getattr(sys.modules[new], "__file__", None) or ""
            own = new.split(".")[0] in ("scratchnet", "torch", "torchvision")
            if new == name or (not own and os.path.abspath(file).startswith(folder + os.sep)):
                sys.modules.pop(new, None)
    return module


def _module_classes(module, lib):
    return [k for k, v in vars(module).items()
            if isinstance(v, type) and issubclass(v, lib.nn.Module) and v.__module__ == module.__name__]


def build(path, name, engine, lib, seed):
    """The model ``name`` of the file at ``path``, built under ``engine`` ("torch" or "scratchnet")."""
    if engine == "scratchnet":
        from .torch_alias import as_torch

        with as_torch():
            module = _import_file(path, engine)
    else:
        module = _import_file(path, engine)
    if name is None:
        found = _module_classes(module, lib)
        if len(found) != 1:
            listed = ", ".join(found) or "none"
            raise UsageError(f"--model-file {path}: name the model class, PATH.py:NAME (nn.Module classes in the file: {listed})")
        name = found[0]
    factory = getattr(module, name, None)
    if factory is None:
        listed = ", ".join(_module_classes(module, lib)) or "none"
        raise UsageError(f"--model-file {path}:{name}: the file defines no {name!r} (nn.Module classes in it: {listed})")
    if not callable(factory):
        raise UsageError(f"--model-file {path}:{name}: {name} is a {type(factory).__name__}, not a class or function")
    lib.manual_seed(seed)
    try:
        model = factory()
    except Exception as error:
        raise UsageError(f"--model-file {path}:{name}: {name}() under {engine} raised {type(error).__name__}: {error} "
                         f"(the model is built with no arguments; wrap it in a function that returns it)") from None
    if not isinstance(model, lib.nn.Module):
        raise UsageError(f"--model-file {path}:{name}: {name}() made a {type(model).__name__}, not an nn.Module")
    return model, name


def copy_weights(theirs, ours):
    """Load torch model ``theirs``'s state_dict into scratchnet model ``ours`` (keys and shapes must match)."""
    import scratchnet

    source, own = theirs.state_dict(), ours.state_dict()
    only_torch, only_ours = [k for k in source if k not in own], [k for k in own if k not in source]
    if only_torch or only_ours:
        raise UsageError(f"the model's state_dict keys differ between the engines: only in torch: {', '.join(only_torch) or 'none'}; "
                         f"only in scratchnet: {', '.join(only_ours) or 'none'}")
    for k, v in source.items():
        if tuple(v.shape) != tuple(own[k].shape):
            raise UsageError(f"the model's {k} has shape {tuple(v.shape)} in torch and {tuple(own[k].shape)} in scratchnet")
    ours.load_state_dict({k: scratchnet.tensor(v.detach().cpu().numpy().copy()) for k, v in source.items()})


def _check_forward(torch, model, x, target, spec, shape):
    """Run torch's model once, so a wrong --input-shape or --target is the user's error, said clearly."""
    try:
        with torch.no_grad():
            out = model(torch.tensor(x))
            if target is not None:
                torch.nn.functional.cross_entropy(out, torch.tensor(target))
    except Exception as error:
        what = "--input-shape/--target" if target is not None else "--input-shape"
        hint = " (token ids: pass --input-ints K for integer inputs in [0, K))" if "Long" in str(error) else ""
        raise UsageError(f"{what}: {spec} refused an input of shape {shape} under torch: {type(error).__name__}: {error}{hint}") from None


def compare_model_file(args):
    """``scratchnet compare --model-file``: print the report; 0 when the engines agree, 1 when not."""
    try:
        import torch
    except ImportError:
        raise UsageError("compare needs PyTorch to compare against: pip install 'scratchnet[torch]'") from None
    import numpy as np

    import scratchnet

    from .compare import locate_mismatch

    path, name = parse_spec(args.model_file)
    if not os.path.isfile(path):
        raise UsageError(f"--model-file {args.model_file}: no such file {path}")
    shape = parse_shape(args.input_shape or "1,1,28,28")
    target = None
    if args.target is not None:
        try:
            target = [int(t) for t in args.target.split(",")]
        except ValueError:
            raise UsageError(f"--target {args.target}: expected class indices separated by commas, e.g. 3,0") from None
        if len(target) != shape[0]:
            raise UsageError(f"--target has {len(target)} class indices; the batch (the first of --input-shape {shape}) has {shape[0]}")
    dtype = {"float64": (torch.float64, scratchnet.float64), "float32": (torch.float32, scratchnet.float32)}[args.dtype]
    theirs, name = build(path, name, "torch", torch, args.seed)
    ours, _ = build(path, name, "scratchnet", scratchnet, args.seed)
    theirs, ours = theirs.to(dtype[0]), ours.to(dtype[1])
    copy_weights(theirs, ours)
    if args.perturb:
        params = dict(ours.named_parameters())
        if args.perturb not in params:
            raise UsageError(f"--perturb: no parameter {args.perturb!r}; the model has {', '.join(params)}")
        with scratchnet.no_grad():
            params[args.perturb].add_(1e-3)
    for net in (theirs, ours):
        net.train(args.train)
    rng = np.random.default_rng(args.seed)
    if args.input_ints:
        x = rng.integers(0, args.input_ints, shape)
    else:
        x = rng.standard_normal(shape).astype(args.dtype)
    spec = f"{path}:{name}"
    _check_forward(torch, theirs, x, target, spec, shape)
    tight = args.dtype == "float64"
    rtol = args.rtol if args.rtol is not None else (1e-6 if tight else 1e-4)
    atol = args.atol if args.atol is not None else (1e-8 if tight else 1e-5)
    loss = "cross_entropy" if target is not None else "sum"
    print(f"{spec}: scratchnet vs torch, {args.dtype}, input {shape}, loss {'cross-entropy' if target else 'sum of the outputs'}, "
          f"{'train' if args.train else 'eval'} mode, rtol {rtol:g}, atol {atol:g}")
    try:
        report = locate_mismatch(ours, theirs, scratchnet.tensor(x), target=target, loss=loss, rtol=rtol, atol=atol,
                                 seed=args.seed if args.train else None)
    except Exception as error:  # torch ran this input (checked above): scratchnet's failure is the finding
        print(f"scratchnet failed where torch ran: {type(error).__name__}: {error}")
        return 1
    print(report)
    return 0 if report.ok else 1
