"""Tasks generated in code or read from a local file in the datasets' format, and the verifiable rewards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rl4lrm.baselines.recipe import TaskSpec
from rl4lrm.baselines.rewards import accuracy, countdown_correct, format_reward, is_correct, math_correct
from rl4lrm.baselines.tasks import boxed_answer, generate, gsm8k_answer, load_benchmark, load_task
from rl4lrm.kb.problems import DataError

GSM8K_ROWS = [
    {
        "question": "Tom has 3 apples and buys 4 more. How many apples does he have?",
        "answer": "He has 3 + 4 = <<3+4=7>>7 apples.\n#### 7",
    },
    {"question": "A box holds 1,200 pens; 200 are sold. How many remain?", "answer": "1,200 - 200 = 1,000\n#### 1,000"},
    {"question": "Half of 18?", "answer": "18 / 2 = 9\n#### 9"},
]
MATH_ROWS = [
    {"problem": "Simplify $\\frac{6}{8}$.", "solution": "Divide by 2: $\\boxed{\\frac{3}{4}}$."},
    {"problem": "What is $\\sqrt{16}$?", "solution": "It is $\\boxed{4}$.", "level": "Level 1"},
]


def test_countdown_rows_are_solvable_and_checked() -> None:
    rows = generate("countdown", 50, seed=1, numbers=3)
    for row in rows:
        assert countdown_correct(row["answer"], row["numbers"], row["target"]), row
        assert row["prompt"] == f"{','.join(map(str, row['numbers']))}:{row['target']}="
    row = rows[0]
    assert not countdown_correct(row["answer"] + "+1", row["numbers"], row["target"])
    assert countdown_correct("<answer>(3+5)*2</answer>", [2, 3, 5], 16)
    assert not countdown_correct("3+5+2+2", [2, 3, 5], 12)  # a number used twice
    assert not countdown_correct("__import__('os')", [1], 1)
    assert not countdown_correct("8/(3-3)", [8, 3, 3], 1)
    assert not countdown_correct("2**3", [2, 3], 8)


def test_generated_splits_are_seeded_and_held_out() -> None:
    spec = TaskSpec(name="arithmetic", digits=2, train_size=300, eval_size=40)
    train, held_out = load_task(spec)
    assert (train, held_out) == load_task(spec)
    assert not {r["prompt"] for r in train} & {r["prompt"] for r in held_out}
    assert all(int(r["answer"]) == sum(map(int, r["prompt"][:-1].split("+"))) for r in train)
    chat = load_task(TaskSpec(name="copy", digits=3, train_size=5, eval_size=5, chat=True))[0]
    assert chat[0]["prompt"][0]["role"] == "user" and chat[0]["answer"] in chat[0]["prompt"][0]["content"]


def test_gsm8k_and_math_from_a_local_file_use_the_hub_code_path(tmp_path: Path) -> None:
    path = tmp_path / "gsm8k.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in GSM8K_ROWS), encoding="utf-8")
    train, held_out = load_task(TaskSpec(name="gsm8k", path=str(path), eval_size=1))
    assert [r["answer"] for r in held_out + train] == ["7", "1000", "9"]
    assert train[0]["prompt"].endswith("within \\boxed{}.") and train[0]["task"] == "gsm8k"
    math_path = tmp_path / "math.jsonl"
    math_path.write_text("".join(json.dumps(r) + "\n" for r in MATH_ROWS), encoding="utf-8")
    rows = load_benchmark("math-500", chat=True, path=str(math_path))
    assert [r["answer"] for r in rows] == ["\\frac{3}{4}", "4"]
    with pytest.raises(DataError):
        load_task(TaskSpec(name="gsm8k", path=str(tmp_path / "missing.jsonl")))


def test_answer_extraction() -> None:
    assert gsm8k_answer("so 3,000\n#### 3,000") == "3000"
    assert boxed_answer("x $\\boxed{\\frac{1}{2}}$ and \\boxed{7}") == "7"
    assert boxed_answer("no box") == ""


def test_math_verify_reward() -> None:
    assert math_correct("So the answer is $\\boxed{0.75}$.", "\\frac{3}{4}")
    assert math_correct("The total is \\boxed{1000}", "1000")
    assert not math_correct("The total is \\boxed{999}", "1000")
    rows = {"task": ["gsm8k", "gsm8k"], "answer": ["7", "7"]}
    assert accuracy(["q", "q"], ["=> \\boxed{7}", [{"role": "assistant", "content": "\\boxed{8}"}]], **rows) == [
        1.0,
        0.0,
    ]


def test_toy_accuracy_and_format() -> None:
    row = {"task": "arithmetic", "answer": "68"}
    assert is_correct(" 68", row) and not is_correct("68 ", {"task": "arithmetic", "answer": "6"})
    assert format_reward(["p"] * 3, ["12", "1+", "\\boxed{3}"], task=["copy", "copy", "math"]) == [1.0, 0.0, 1.0]


def test_math_reward_needs_the_boxed_answer_the_prompt_asks_for():
    from rl4lrm.baselines.rewards import last_boxed, math_correct

    assert not math_correct("5 apples, or maybe 7; so 5", "5")  # an unanchored last number earns nothing
    assert math_correct("so \\boxed{5}", "5") and not math_correct("\\boxed{4} then 5", "5")
    assert math_correct("\\boxed{\\frac{1}{2}}", "\\frac12") and last_boxed("\\boxed{x^{2}} end") == "x^{2}"
    assert last_boxed("no box") is None and not math_correct("\\boxed{}", "5")
