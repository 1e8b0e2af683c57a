"""The benchmark harness itself: ratios computed right, missing engines skipped cleanly. Never
absolute times (those are the benchmark's output, not a test's)."""

import pytest

from benchmarks import harness, suite


def test_ratios_are_medians_of_per_round_ratios():
    times = {"a": [1.0, 2.0, 3.0, 10.0], "base": [1.0, 1.0, 2.0, 1.0]}
    stats = harness.summarize(times, baseline="base")
    assert stats["a"]["ratio"] == pytest.approx(1.75)  # per round: 1, 2, 1.5, 10 -> median of 1, 1.5, 2, 10
    assert stats["a"]["median"] == 2.5 and stats["a"]["min"] == 1.0
    assert stats["base"]["ratio"] == 1.0


def test_rounds_interleave_the_engines_in_blocks():
    calls = []
    result = harness.compare({"x": lambda: calls.append("x"), "y": lambda: calls.append("y")}, baseline="y", rounds=3, warmup=1, settle=0)
    lead, count = result["block"]["x"]  # instant steps: the most a block holds
    assert (lead, count) == (harness.MAX_BLOCK, harness.MAX_BLOCK) and result["block"]["y"] == (lead, count)
    assert calls == ["x", "y"] + (["x"] * (lead + count) + ["y"] * (lead + count)) * 3
    assert len(result["engines"]["x"]["times"]) == 3


def test_block_sizes_follow_the_step_time():
    assert harness._count(harness.BLOCK, 0.01, 1, harness.MAX_BLOCK) == 10
    assert harness._count(harness.BLOCK, 0.04, 1, harness.MAX_BLOCK) == 2
    assert harness._count(harness.LEAD, 0.5, 1, harness.MAX_BLOCK) == 1  # a slow step: one untimed step
    assert harness._count(harness.LEAD, 0.0, 1, harness.MAX_BLOCK) == 1


def test_a_missing_cuda_is_skipped_with_its_reason(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    engines, skipped = suite.available_engines(["scratchnet", "torch-cpu", "torch-cuda"])
    assert list(engines) == ["scratchnet", "torch-cpu"]
    assert skipped == {"torch-cuda": "no CUDA GPU is available to torch here"}


def test_a_missing_library_is_skipped_with_its_reason():
    suite.ENGINES["nothing"] = suite.EngineSpec("nothing", "a_library_that_is_not_installed")
    try:
        engines, skipped = suite.available_engines(["scratchnet", "nothing"])
    finally:
        del suite.ENGINES["nothing"]
    assert list(engines) == ["scratchnet"] and "not installed" in skipped["nothing"]


def test_suite_runs_end_to_end_on_a_tiny_workload(tmp_path):
    report = suite.run_suite(["cross_entropy"], [4, 8], ["scratchnet", "torch-cpu"], rounds=2, warmup=1, memory=False, log=lambda *_: None, settle=0)
    rows = report["results"]
    assert [(r["workload"], r["batch"]) for r in rows] == [("cross_entropy", 4), ("cross_entropy", 8)]
    assert all(r["engines"]["torch-cpu"]["ratio"] == 1.0 and r["engines"]["scratchnet"]["ratio"] > 0 for r in rows)
    suite.plot(report, str(tmp_path) + "/")
    assert (tmp_path / "ratios.png").stat().st_size > 1000 and (tmp_path / "time-vs-batch.png").stat().st_size > 1000


def test_linear_fit_recovers_slope_and_intercept():
    results = [{"workload": "w", "batch": b, "engines": {"e": {"median": 0.5 + 0.01 * b}}} for b in (32, 100, 256)]
    fit = suite.linear_fit(results, "w", "e")
    assert fit["seconds_per_sample"] == pytest.approx(0.01) and fit["fixed_seconds"] == pytest.approx(0.5)
    assert fit["max_relative_residual"] < 1e-9


def test_scratchnet_bench_passes_its_flags_to_the_suite(tmp_path, capsys):
    from scratchnet.__main__ import main

    assert main(["bench", "--quick", "--workloads", "cross_entropy", "--engines", "scratchnet", "torch-cpu", "--no-memory", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "cross_entropy   batch  100" in out and "torch-cpu" in out
    assert (tmp_path / "latest.json").exists()


def test_text_model_training_steps_are_workloads():
    """step-gpt and step-lstm build the same model from the seed in each engine (no copying) and
    run a whole AdamW step with clipping; batch 1, one round: a test of the wiring, not a timing."""
    pytest.importorskip("torch")
    for name in ("step-gpt", "step-lstm"):
        assert name in suite.WORKLOADS and "AdamW" in suite.WORKLOADS[name].__doc__
    report = suite.run_suite(["step-gpt", "step-lstm"], [1], ["scratchnet", "torch-cpu"], rounds=1, warmup=0, memory=False, log=lambda *_: None)
    assert [r["workload"] for r in report["results"]] == ["step-gpt", "step-lstm"]
    assert all(r["engines"]["scratchnet"]["ratio"] > 0 for r in report["results"])


# --- honest measurement: the machine, its load, the BLAS in use; per-op profiles -----------------


def test_the_report_records_the_machine_and_its_load(monkeypatch):
    real = harness._cpu_seconds_of_others()
    assert real is None or real >= 0
    loads = iter([0.2, 0.3, 0.9, 0.4])  # before the run, row start, row end, after the run
    monkeypatch.setattr(harness.os, "getloadavg", lambda: (next(loads, 0.4), 0.0, 0.0))
    others = iter([10.0, 10.0])  # no other process used CPU while the row was timed
    monkeypatch.setattr(harness, "_cpu_seconds_of_others", lambda: next(others))
    report = suite.run_suite(["tiny-ops"], [4], ["scratchnet"], rounds=1, warmup=0, memory=False, log=lambda *_: None)
    m = report["machine"]
    assert (m["load_before"], m["load_after"], m["loaded"]) == (0.2, 0.4, False)
    row = report["results"][0]
    # the load average rose during the row (this run's own threads count in it); nothing else ran
    assert row["load_average"] == (0.3, 0.9) and row["other_cores"] == 0.0 and row["loaded"] is False
    others = iter([10.0, 1e9])  # another process kept the cores busy during the row
    monkeypatch.setattr(harness, "_cpu_seconds_of_others", lambda: next(others))
    loaded = suite.run_suite(["tiny-ops"], [4], ["scratchnet"], rounds=1, warmup=0, memory=False, log=lambda *_: None)
    row = loaded["results"][0]
    assert row["loaded"] is True and loaded["machine"]["loaded"] is True
    assert "[loaded: other processes used" in suite.format_row(row, ["scratchnet"])
    blas = m["blas"]
    assert blas["libraries"] and all("internal_api" in lib or "name" in lib for lib in blas["libraries"])
    if blas["source"].startswith("threadpoolctl"):
        assert any(lib.get("user_api") == "blas" and lib["num_threads"] >= 1 for lib in blas["libraries"])


def test_the_tiny_op_chain_reports_time_per_op():
    report = suite.run_suite(["tiny-ops"], [4], ["scratchnet"], rounds=1, warmup=0, memory=False, log=lambda *_: None)
    entry = report["results"][0]["engines"]["scratchnet"]
    assert entry["us_per_op"] == pytest.approx(entry["median"] * 1e6 / 1000)


def test_load_warning_names_the_load_only_when_above_the_threshold():
    assert harness.load_warning(0.1, 0.5) is None and harness.load_warning(None) is None
    assert "0.70 before, 0.20 after" in harness.load_warning(0.7, 0.2)
    assert "1.50 now" in harness.load_warning(1.5)


def test_numpy_config_is_the_fallback_without_threadpoolctl(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    info = harness.blas_info()
    assert "threadpoolctl is not installed" in info["source"] and info["libraries"]


def test_profile_mode_breaks_a_step_down_per_op_in_both_engines():
    pytest.importorskip("torch")
    lines = []
    tables = suite.profile_workloads(["tiny-ops"], 4, top=5, log=lines.append)["tiny-ops"]
    ours, theirs = tables["scratchnet"], tables["torch-cpu"]
    assert {"Mul forward", "Mul backward", "Add forward", "Sub forward"} <= set(ours) and ours["(whole step)"] > 0
    assert "aten::mul" in theirs and all(v >= 0 for v in theirs.values())
    assert any("Mul forward" in line and "|" in line for line in lines) and any("aten::mul" in line for line in lines)


def test_native_stderr_of_the_profiler_is_silenced(capfd):
    """torch.profiler's native code reports "gpuGetDeviceCount failed" on a machine without a GPU,
    on file descriptor 2 (not through Python): the block that runs it writes nothing there, while
    the rest of stderr is untouched; kineto's own log level is lowered unless the user set one."""
    import os

    with harness.quiet_native_stderr():
        os.write(2, b"gpuGetDeviceCount failed with code 35\n")
    os.write(2, b"after the block\n")
    err = capfd.readouterr().err
    assert "gpuGetDeviceCount" not in err and "after the block" in err
    assert os.environ.get("KINETO_LOG_LEVEL")


@pytest.mark.parametrize("bad", ["-1", "soon", "nan"])
def test_settle_refuses_what_is_not_a_pause(bad, capsys):
    with pytest.raises(SystemExit):
        suite.main(["--settle", bad, "--workloads", "cross_entropy", "--no-memory"])
    assert "--settle" in capsys.readouterr().err
