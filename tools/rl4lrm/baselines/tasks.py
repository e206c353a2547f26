"""Verifiable tasks: prompts with reference answers, generated in code (copy, arithmetic, countdown) or read
from datasets (GSM8K, MATH; a local file in the same format goes through the same code).

Every task yields rows ``{"prompt", "answer", "task"}``; countdown adds ``numbers`` and ``target``. The
``answer`` of a countdown row is one valid equation (used for supervised warm-up); rewards check any equation.
Toy tasks have a compact prompt for the character-level model ("7:" → "7", "23+45=" → "68",
"3,5,7:22=" → "3*5+7") and a sentence prompt when ``chat`` is set.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from ..kb.problems import DataError, Problem

GENERATED = ("copy", "arithmetic", "countdown")
ANSWER_TAG = re.compile(r"<answer>(.*?)</answer>", re.S)  # countdown answers in sentence form
BOXED_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."
HUB = {  # task -> (dataset, config, train split, eval split)
    "gsm8k": ("openai/gsm8k", "main", "train", "test"),
    "math": ("DigitalLearningGmbH/MATH-lighteval", "default", "train", "test"),
}
BENCHMARKS = {  # eval benchmark -> (dataset, config, split, task whose parser reads it)
    "gsm8k": ("openai/gsm8k", "main", "test", "gsm8k"),
    "math-500": ("HuggingFaceH4/MATH-500", "default", "test", "math"),
    "aime-2024": ("HuggingFaceH4/aime_2024", "default", "train", "math"),
}
EVAL_BENCHMARKS = ("heldout", *BENCHMARKS)  # what `eval.benchmarks` and `baseline eval --benchmark` take


def _copy(rng: random.Random, digits: int) -> dict[str, Any]:
    value = str(rng.randrange(10**digits)).zfill(digits)
    return {"compact": f"{value}:", "text": f"Repeat this number: {value}", "answer": value}


def _arithmetic(rng: random.Random, digits: int) -> dict[str, Any]:
    a, b = rng.randrange(10**digits), rng.randrange(10**digits)
    return {"compact": f"{a}+{b}=", "text": f"What is {a} + {b}?", "answer": str(a + b)}


def _countdown(rng: random.Random, count: int) -> dict[str, Any]:
    """Numbers 1-9 combined left to right with + - * (integer, positive target), TinyZero style."""
    while True:
        numbers = [rng.randint(1, 9) for _ in range(count)]
        order = rng.sample(numbers, len(numbers))
        expression, value = str(order[0]), order[0]
        for number in order[1:]:
            op = rng.choice("+-*")
            if op == "*" and any(o in expression for o in "+-"):
                expression = f"({expression})"
            expression += f"{op}{number}"
            value = value + number if op == "+" else value - number if op == "-" else value * number
        if value > 0:
            break
    listed = ",".join(map(str, numbers))
    text = (
        f"Using the numbers [{', '.join(map(str, numbers))}], create an equation that equals {value}. "
        "Use each number exactly once with + - * /. Give the equation inside <answer> </answer>."
    )
    return {"compact": f"{listed}:{value}=", "text": text, "answer": expression, "numbers": numbers, "target": value}


_MAKERS = {"copy": _copy, "arithmetic": _arithmetic, "countdown": _countdown}


def _wrap(prompt: str, chat: bool) -> str | list[dict[str, str]]:
    return [{"role": "user", "content": prompt}] if chat else prompt


def prompt_space(name: str, digits: int) -> int | None:
    """How many distinct prompts a generated task has (None: too many to matter)."""
    return {"copy": 10**digits, "arithmetic": 10 ** (2 * digits)}.get(name)


def generate(
    name: str,
    size: int,
    seed: int,
    digits: int = 2,
    numbers: int = 3,
    chat: bool = False,
    exclude: set[str] | None = None,
) -> list[dict[str, Any]]:
    """size rows of a generated task (prompts may repeat); rows whose prompt is in exclude are skipped."""
    rng = random.Random(f"{name}:{seed}")
    size_arg = numbers if name == "countdown" else digits
    rows: list[dict[str, Any]] = []
    while len(rows) < size:
        made = _MAKERS[name](rng, size_arg)
        if exclude and made["compact"] in exclude:
            continue
        row = {
            "prompt": _wrap(made["text"], True) if chat else made["compact"],
            "answer": made["answer"],
            "task": name,
            "key": made["compact"],
        }
        if name == "countdown":
            row |= {"numbers": made["numbers"], "target": made["target"]}
        rows.append(row)
    return rows


def gsm8k_answer(solution: str) -> str:
    """The final number of a GSM8K solution ("... #### 72" → "72")."""
    return solution.split("####")[-1].strip().replace(",", "")


def boxed_answer(solution: str) -> str:
    """The content of the last \\boxed{...} in a MATH solution (braces balanced); '' when there is none."""
    start = solution.rfind("\\boxed")
    if start < 0:
        return ""
    i = solution.find("{", start)
    if i < 0:
        return ""
    depth = 0
    for j in range(i, len(solution)):
        depth += {"{": 1, "}": -1}.get(solution[j], 0)
        if depth == 0:
            return solution[i + 1 : j]
    return ""


def from_source(task: str, row: dict[str, Any], chat: bool) -> dict[str, Any]:
    """One dataset row (GSM8K: question/answer; MATH: problem/solution or problem/answer) as a task row."""
    if task == "gsm8k":
        question, answer = row["question"], gsm8k_answer(row["answer"])
    else:
        question = row["problem"]
        answer = str(row["answer"]) if row.get("answer") not in (None, "") else boxed_answer(row.get("solution", ""))
    return {"prompt": _wrap(f"{question}\n{BOXED_INSTRUCTION}", chat), "answer": answer, "task": task, "key": question}


def read_rows(dataset: str, config: str | None, split: str, path: str | None) -> list[dict[str, Any]]:
    """Rows of a hub dataset split, or of a local .jsonl/.json/.parquet file (the same loader either way)."""
    from datasets import load_dataset

    if path:
        local = Path(path)
        if not local.is_file():
            raise DataError([Problem(path, 0, "task.path", "task-file", "no such file")])
        kind = {".jsonl": "json", ".json": "json", ".parquet": "parquet"}.get(local.suffix)
        if kind is None:
            raise DataError([Problem(path, 0, "task.path", "task-file", "must end in .jsonl, .json or .parquet")])
        return list(load_dataset(kind, data_files=str(local), split="train"))
    try:
        return list(load_dataset(dataset, config, split=split))
    except Exception as exc:  # datasets raises many kinds (offline, missing, bad config); all mean "cannot read"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            [
                Problem(
                    dataset,
                    0,
                    "task",
                    "dataset-unavailable",
                    f"cannot load split '{split}': {first}",
                    "download it first, or give task.path / --data a local file",
                )
            ]
        ) from None


def load_task(spec: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train rows, held-out rows) for a recipe's task spec (rl4lrm.baselines.recipe.TaskSpec)."""
    if spec.name in GENERATED:
        held_out = generate(spec.name, spec.eval_size, spec.seed + 10_000, spec.digits, spec.numbers, spec.chat)
        space = prompt_space(spec.name, spec.digits)
        # Held-out prompts are kept out of training unless that would remove a large share of all prompts
        # (a one-digit copy task has 10): then the held-out split is a fresh sample of the same distribution.
        exclude = {r["key"] for r in held_out} if space is None or len(held_out) * 4 <= space else None
        train = generate(spec.name, spec.train_size or 1024, spec.seed, spec.digits, spec.numbers, spec.chat, exclude)
        return train, held_out
    dataset, config, train_split, eval_split = HUB[spec.name]
    if spec.path:
        rows = [from_source(spec.name, r, spec.chat) for r in read_rows(dataset, config, train_split, spec.path)]
        held_out, train = rows[: spec.eval_size], rows[spec.eval_size :]
    else:
        train = [from_source(spec.name, r, spec.chat) for r in read_rows(dataset, config, train_split, None)]
        held_out = [from_source(spec.name, r, spec.chat) for r in read_rows(dataset, config, eval_split, None)]
        held_out = held_out[: spec.eval_size]
    if spec.train_size:
        train = train[: spec.train_size]
    if not train or any(not r["answer"] for r in train + held_out):
        raise DataError(
            [
                Problem(
                    spec.path or dataset,
                    0,
                    "task",
                    "task-rows",
                    "needs at least one training row and an answer in every row",
                )
            ]
        )
    return train, held_out


def load_benchmark(name: str, chat: bool, limit: int | None = None, path: str | None = None) -> list[dict[str, Any]]:
    """Rows of an evaluation benchmark (gsm8k, math-500, aime-2024) as task rows."""
    dataset, config, split, task = BENCHMARKS[name]
    rows = [from_source(task, r, chat) for r in read_rows(dataset, config, split, path)]
    return rows[:limit] if limit else rows


def completion_text(completion: str | list[dict[str, str]]) -> str:
    """A completion as one string (TRL passes chat completions as a list of messages)."""
    return completion if isinstance(completion, str) else "".join(m.get("content", "") for m in completion)
