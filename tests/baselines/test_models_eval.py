"""The tiny local policy, its character tokenizer, checkpoint loading, sampling and the held-out evaluation."""

from __future__ import annotations

from pathlib import Path

from rl4lrm.baselines.evaluate import evaluate_model, score
from rl4lrm.baselines.models import char_tokenizer, load_policy, tiny_llama
from rl4lrm.baselines.preferences import preference_pairs
from rl4lrm.baselines.recipe import EvalSpec, PreferenceSpec
from rl4lrm.baselines.rewards import accuracy, is_correct
from rl4lrm.baselines.tasks import generate
from rl4lrm.baselines.warmup import warm_up


def test_char_tokenizer_round_trips_spaces_and_digits() -> None:
    tokenizer = char_tokenizer()
    text = "12+3= 4,(5*6)"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert len(ids) == len(text) and tokenizer.decode(ids) == text
    assert tokenizer.pad_token_id != tokenizer.eos_token_id


def test_local_checkpoint_loads_through_the_hub_code_path(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    tokenizer = char_tokenizer()
    tiny_llama(tokenizer, seed=3).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    model, tokenizer = load_policy(str(folder))
    again, _ = load_policy("tiny-char-llama", seed=3)
    assert type(model).__name__ == "LlamaForCausalLM" and tokenizer.padding_side == "left"
    assert all((a == b).all() for a, b in zip(model.parameters(), again.parameters(), strict=True))


def test_score_is_pass_at_1_and_pass_at_k_over_k_and_greedy_accuracy() -> None:
    rows = [{"task": "copy", "answer": "1"}, {"task": "copy", "answer": "2"}, {"task": "copy", "answer": "3"}]
    samples = [["1", "0", "1", "1"], ["2", "0", "0", "0"], ["0", "0", "0", "0"]]
    result = score(rows, ["1", "0", "0"], samples, k=4)
    expected = {"greedy_accuracy": 1 / 3, "pass@1": (0.75 + 0.25) / 3, "pass@k": 2 / 3, "k": 4.0, "prompts": 3.0}
    assert result == expected


def test_warm_up_then_evaluate_and_build_pairs() -> None:
    model, tokenizer = load_policy("tiny-char-llama", seed=0)
    rows = generate("copy", 256, seed=0, digits=1)
    held_out = generate("copy", 20, seed=1, digits=1)
    spec = EvalSpec(k=2, temperature=0, max_new_tokens=2)
    before = evaluate_model(model, tokenizer, held_out, spec)
    losses = warm_up(model, tokenizer, rows, steps=40, learning_rate=1e-2)
    after = evaluate_model(model, tokenizer, held_out, spec)
    assert losses[-1] < losses[0] / 2
    assert before["greedy_accuracy"] <= 0.2 and after["greedy_accuracy"] >= 0.9
    assert after["pass@1"] == after["greedy_accuracy"]  # temperature 0: the k samples are the greedy one
    pairs = preference_pairs(
        model,
        tokenizer,
        rows,
        PreferenceSpec(samples_per_prompt=8, max_new_tokens=2, temperature=3.0, prompts=32),
        [accuracy],
        [1.0],
        seed=0,
    )
    assert pairs
    for pair in pairs:
        row = {"task": "copy", "answer": pair["prompt"][:-1]}
        assert is_correct(pair["chosen"], row) and not is_correct(pair["rejected"], row)


def test_unavailable_model_dataset_and_backend_are_messages() -> None:
    import pytest

    from rl4lrm.baselines.evaluate import use_vllm, vllm_available
    from rl4lrm.baselines.tasks import read_rows
    from rl4lrm.kb.problems import DataError

    with pytest.raises(DataError) as info:
        load_policy("rl4lrm-tests/no-such-model")  # HF_HUB_OFFLINE=1: not in the cache
    assert info.value.problems[0].rule == "model-unavailable"
    with pytest.raises(DataError) as info:
        read_rows("rl4lrm-tests/no-such-dataset", None, "train", None)
    assert info.value.problems[0].rule == "dataset-unavailable"
    assert use_vllm(EvalSpec(backend="transformers")) is False
    if vllm_available():
        assert use_vllm(EvalSpec(backend="vllm")) is True
    else:
        with pytest.raises(DataError):
            use_vllm(EvalSpec(backend="vllm"))
