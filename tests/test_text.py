"""Character-level text data (scratchnet.utils.data.text) and a short real training run on the embedded
corpus in both engines."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import reference.models as R
import scratchnet
import scratchnet.models as M
from scratchnet import lm
from scratchnet.vision.datasets import DataError
from scratchnet.utils.data.text import CharDataset, CharTokenizer, default_corpus, read_text_file


def test_default_corpus_is_pydoc_topics_in_sorted_key_order():
    from pydoc_data.topics import topics

    text = default_corpus()
    assert text == "".join(topics[k] for k in sorted(topics))
    assert 400_000 < len(text) < 600_000 and text == default_corpus()


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=2, max_size=40), st.integers(1, 6))
def test_tokenizer_round_trips_and_windows_shift_by_one(text, block):
    tok = CharTokenizer(text)
    assert tok.chars == sorted(set(text)) and tok.decode(tok.encode(text)) == text
    if len(text) <= block:
        with pytest.raises(DataError, match="needs at least"):
            CharDataset(text, block)
        return
    ds = CharDataset(text, block)
    assert len(ds) == len(text) - block
    for i in (0, len(ds) - 1, -1):
        x, y = ds[i]
        j = i % len(ds)
        assert tok.decode(x.tolist()) == text[j : j + block] and tok.decode(y.tolist()) == text[j + 1 : j + block + 1]
        assert x.dtype == scratchnet.int64 and tuple(x.shape) == (block,)
    xs, ys = ds.windows([0, len(ds) - 1])
    assert xs.shape == ys.shape == (2, block) and (xs[:, 1:] == ys[:, :-1]).all()
    with pytest.raises(IndexError, match="out of range"):
        ds[len(ds)]


def test_tokenizer_errors():
    with pytest.raises(ValueError, match="character 'z' is not in the vocabulary"):
        CharTokenizer("abc").encode("abz")
    with pytest.raises(DataError, match="at least one character"):
        CharTokenizer("")
    with pytest.raises(ValueError, match="block_size must be a positive integer"):
        CharDataset("abcdef", 0)


def test_read_text_file_bounds_and_errors(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("héllo wörld\n", encoding="utf-8")
    assert read_text_file(str(good)) == "héllo wörld\n"
    with pytest.raises(DataError, match="no such file"):
        read_text_file(str(tmp_path / "missing.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"abc\xff\xfe")
    with pytest.raises(DataError, match=r"not UTF-8 text \(byte 3 is 0xff\)"):
        read_text_file(str(bad))
    with pytest.raises(DataError, match="more than the 5 allowed"):
        read_text_file(str(good), max_bytes=5)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_text_file(str(tmp_path / "empty.txt"))


def test_short_real_run_on_the_corpus_learns_in_both_engines_with_the_same_curve():
    """150 steps of a 1-layer, width-16 CharGPT in float64 on the pydoc text: the held-out loss
    falls well below the corpus's unigram entropy (the best loss without context), in both
    engines, and the two training curves agree step for step."""
    text = default_corpus()
    cut = int(0.9 * len(text))
    tok = CharTokenizer(text)
    train, held = CharDataset(text[:cut], 16, tok), CharDataset(text[cut:], 16, tok)
    counts = np.bincount(train.ids, minlength=tok.vocab_size)
    p = counts[counts > 0] / counts.sum()
    unigram = float(-(p * np.log(p)).sum())  # nats per character
    assert 3.0 < unigram < 3.5
    eval_x, eval_y = held.windows(np.random.default_rng(1).integers(0, len(held), 256))
    steps, curves, final = 150, {}, {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for lib, models in ((scratchnet, M), (torch, R)):
            lib.manual_seed(0)
            model = models.CharGPT(tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=16).double()
            opt = lm.make_optimizer(lib, model, lr=2e-2)
            rng = np.random.default_rng(0)
            curve = []
            for s in range(steps):
                x, y = train.windows(rng.integers(0, len(train), 16))
                loss, _ = lm.train_step(lib, model, opt, lib.tensor(x), lib.tensor(y), lm.lr_at(s, steps, 5, 2e-2, 2e-3))
                curve.append(loss.item())
            model.eval()
            with lib.no_grad():
                final[lib.__name__] = lm.lm_loss(lib, model(lib.tensor(eval_x)), lib.tensor(eval_y)).item()
            curves[lib.__name__] = curve
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_allclose(curves["scratchnet"], curves["torch"], rtol=1e-8)
    assert final["scratchnet"] == pytest.approx(final["torch"], rel=1e-8)
    assert curves["scratchnet"][0] > 4.5  # ln(103) = 4.63: it starts knowing nothing
    assert final["scratchnet"] < unigram - 0.3, (final, unigram)
