"""L-BFGS: a quasi-Newton method driven by a closure, step for step as torch computes it.

Each ``step(closure)`` runs up to ``max_iter`` iterations on the parameters seen as one flat
vector x with gradient g:

    d = -H g, where H (the inverse Hessian) is built from the last ``history_size`` pairs
        s = x_{k+1} - x_k, y = g_{k+1} - g_k by the two-loop recursion, scaled by y's / y'y
    x <- x + t d, with t = lr (the first iteration: min(1, 1 / |g|_1) lr), or t from a
        strong-Wolfe line search (``line_search_fn="strong_wolfe"``: bracketing, then zoom by
        cubic interpolation)

and stops early on a small gradient (``tolerance_grad``), a small change of x or of the loss
(``tolerance_change``), or ``max_eval`` closure calls. The closure must clear the gradients,
compute the loss, call ``backward()`` and return the loss.

>>> import scratchnet as sn
>>> x = sn.nn.Parameter(sn.tensor([1.5, -0.5], dtype=sn.float64))
>>> opt = LBFGS([x], line_search_fn="strong_wolfe")
>>> def closure():
...     opt.zero_grad()
...     loss = ((x - sn.tensor([3.0, 2.0], dtype=sn.float64)) ** 2).sum()
...     loss.backward()
...     return loss
>>> _ = opt.step(closure)
>>> [round(v, 6) for v in x.tolist()]
[3.0, 2.0]
"""

from ..backend import xp
from ..tensor import Tensor, enable_grad, no_grad
from .optimizer import Optimizer, check_lr, plain


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to ``bounds``
    (default: between x1 and x2); the bounds' midpoint when the cubic has no real minimum."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = xp.sqrt(d2_square)
        if x1 <= x2:
            at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(at, lo), hi)
    return (lo + hi) / 2.0


def _strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step t along d meeting the strong Wolfe conditions
        f(x + t d) <= f + c1 t g'd   and   |g(x + t d)'d| <= c2 |g'd|.
    Phase 1 grows t until an interval brackets such a step; phase 2 (zoom) shrinks the bracket
    by safeguarded cubic interpolation. Returns (f_new, g_new, t, evaluations)."""
    d_norm = xp.abs(d).max()
    g = g.copy()
    f_new, g_new = evaluate(x, t, d)
    evals, ls_iter = 1, 0
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    while ls_iter < max_ls:  # phase 1: bracketing
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f, bracket_g, bracket_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f, bracket_g, bracket_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10  # extrapolate
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:  # reached the evaluation budget
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # phase 2: zoom until a point satisfies the conditions or the bracket is too small
    insufficient = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # Safeguard: a point too close to the bracket's ends makes slow progress; after one such
        # try (or when t falls outside), move it to 0.1 of the bracket's width from the end.
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insufficient or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:  # sufficient decrease fails
            bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = t, f_new, g_new.copy(), gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:  # Wolfe conditions met
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:  # the old high becomes the low
                bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new.copy(), gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def _fma(alpha, x, y):
    """alpha * x + y rounded once, as torch's ``y.add_(x, alpha=alpha)`` computes it (a fused
    multiply-add): L-BFGS amplifies last-bit differences, so the iterates follow torch's rounding.
    The product and sum are formed in extended precision (long double) and then rounded."""
    wide = xp.longdouble if xp.finfo(xp.longdouble).nmant > xp.finfo(y.dtype).nmant else None
    if wide is None:
        return (alpha * x + y).astype(y.dtype, copy=False)
    return (wide(alpha) * x.astype(wide) + y.astype(wide)).astype(y.dtype)


def _stored(value):
    """A state value as kept in ``state`` (arrays as Tensors, as torch keeps tensors)."""
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, (xp.ndarray, xp.generic)):
        return Tensor._make(xp.asarray(value))
    return value


def _loaded(value):
    """The inverse of ``_stored``: Tensors back to arrays (0-d ones to NumPy scalars)."""
    if isinstance(value, list):
        return [_loaded(v) for v in value]
    if isinstance(value, Tensor):
        return value.array[()] if value.array.ndim == 0 else value.array
    return value


class LBFGS(Optimizer):
    """Limited-memory BFGS driven by a closure that returns the loss (``history_size`` curvature pairs, optional strong-Wolfe line search), as torch's.

    Args:
        params: parameters (or param groups); the other arguments are torch's, with torch's defaults and checks.

    >>> import scratchnet as sn
    >>> w = sn.nn.Parameter(sn.tensor([1.0, -2.0]))
    >>> o = sn.optim.LBFGS([w], lr=0.1, max_iter=2)
    >>> def closure():
    ...     o.zero_grad(); loss = (w * w).sum(); loss.backward(); return loss
    >>> _ = o.step(closure)
    >>> bool((w.detach().abs() < sn.tensor([1.0, 2.0])).all())
    True
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None, *, maximize=False):
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad, tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn, maximize=maximize)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # --- the parameters as one flat vector -------------------------------------------------------

    def _flat_grad(self):
        parts = [xp.zeros(p.array.size, p.array.dtype) if p.grad is None else p.grad.array.reshape(-1) for p in self._params]
        flat = xp.concatenate(parts) if parts else xp.zeros(0)
        return -flat if self.param_groups[0].get("maximize", False) else flat

    def _add_grad(self, step_size, update):
        """x <- x + step_size * update, written back into each parameter."""
        offset, alpha = 0, float(step_size)  # torch reads the step as a Scalar
        for p in self._params:
            n = p.array.size
            p.array[...] = _fma(alpha, update[offset : offset + n].reshape(p.array.shape), p.array)
            p._version[0] += 1
            offset += n

    def _evaluate(self, closure):
        with enable_grad():
            loss = closure()
        return loss

    def _directional_evaluate(self, closure, x, t, d):
        """The loss and flat gradient at x + t d; the parameters are put back to x afterwards."""
        self._add_grad(t, d)
        loss = float(self._evaluate(closure))
        if self.param_groups[0].get("maximize", False):
            loss = -loss
        flat_grad = self._flat_grad()
        for p, saved in zip(self._params, x):
            p.array[...] = saved
            p._version[0] += 1
        return loss, flat_grad

    # --- the step ------------------------------------------------------------------------------

    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; return the loss the first closure call gave."""
        with no_grad():
            return self._step(closure)

    def _step(self, closure):
        group = self.param_groups[0]
        lr = plain(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size, maximize = group["line_search_fn"], group["history_size"], group.get("maximize", False)
        if not self._params:
            return self._evaluate(closure)

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = self._evaluate(closure)
        loss = -float(orig_loss) if maximize else float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if flat_grad.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        if xp.abs(flat_grad).max() <= tolerance_grad:  # already optimal
            return orig_loss

        d, t = _loaded(state.get("d")), _loaded(state.get("t"))
        old_dirs, old_stps, ro = _loaded(state.get("old_dirs")), _loaded(state.get("old_stps")), _loaded(state.get("ro"))
        H_diag, prev_flat_grad, prev_loss = _loaded(state.get("H_diag")), _loaded(state.get("prev_flat_grad")), state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:  # the first direction: steepest descent
                d = -flat_grad
                old_dirs, old_stps, ro, H_diag = [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # curvature condition: keep the pair (dropping the oldest if full)
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                # two-loop recursion: d = -H g
                al = _loaded(state.get("al")) or [None] * history_size
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q = _fma(float(-al[i]), old_dirs[i], q)
                r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r = _fma(float(al[i] - be_i), old_stps[i], r)
                d = r
                state["al"] = _stored(al)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / xp.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break

            evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.array.copy() for p in self._params]
                loss, flat_grad, t, evals = _strong_wolfe(lambda x, t, d: self._directional_evaluate(closure, x, t, d), x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)  # a fixed step
                opt_cond = False
                if n_iter != max_iter:  # re-evaluate unless this was the last iteration
                    loss = self._evaluate(closure)
                    loss = -float(loss) if maximize else float(loss)
                    flat_grad = self._flat_grad()
                    opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if xp.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break

        state.update(d=_stored(d), t=_stored(t), old_dirs=_stored(old_dirs), old_stps=_stored(old_stps), ro=_stored(ro), H_diag=_stored(H_diag), prev_flat_grad=_stored(prev_flat_grad), prev_loss=prev_loss)
        return orig_loss
