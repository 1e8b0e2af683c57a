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


def test_rounds_interleave_the_engines():
    calls = []
    result = harness.compare({"x": lambda: calls.append("x"), "y": lambda: calls.append("y")}, baseline="y", rounds=3, warmup=1)
    assert calls == ["x", "y"] * 4
    assert len(result["engines"]["x"]["times"]) == 3


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
    report = suite.run_suite(["cross_entropy"], [4, 8], ["scratchnet", "torch-cpu"], rounds=2, warmup=1, memory=False, log=lambda *_: None)
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
