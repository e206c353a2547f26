"""Verifiable rewards with TRL's reward-function signature ``f(prompts, completions, **columns) -> list[float]``.

- ``accuracy``: 1 when the completion's answer is right. Toy tasks compare the stripped completion with the
  reference; countdown checks the equation uses each number once and hits the target; GSM8K/MATH parse both
  sides with math-verify (the completion's last \\boxed{} answer against the reference; no box, no reward).
- ``format``: 1 when the completion has the expected shape (digits; an equation; a \\boxed{} answer).
- ``soft_overlong``: DAPO's soft overlong punishment (Eq. 13), TRL's implementation.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .tasks import ANSWER_TAG, completion_text

RewardFunc = Callable[..., list[float]]
_DIGITS = re.compile(r"^\d+$")
_EQUATION = re.compile(r"^[\d+\-*/() ]+$")


def countdown_correct(equation: str, numbers: Sequence[int], target: int) -> bool:
    """True when equation uses exactly the given numbers (each once) with + - * / ( ) and equals target."""
    match = ANSWER_TAG.search(equation)
    equation = (match.group(1) if match else equation).strip()
    if not equation or not _EQUATION.match(equation):
        return False
    if Counter(int(n) for n in re.findall(r"\d+", equation)) != Counter(int(n) for n in numbers):
        return False
    try:
        tree = ast.parse(equation, mode="eval")
    except SyntaxError:
        return False
    allowed = (ast.Expression, ast.BinOp, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UnaryOp)
    if not all(isinstance(node, allowed) for node in ast.walk(tree)):
        return False
    try:
        value = eval(compile(tree, "<countdown>", "eval"), {"__builtins__": {}})  # only arithmetic nodes remain
    except (ZeroDivisionError, OverflowError):
        return False
    return abs(value - target) < 1e-9


def last_boxed(text: str) -> str | None:
    """The content of the last \\boxed{...} in text (nested braces matched), or None."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    depth, begin = 0, start + len("\\boxed{")
    for index in range(begin - 1, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[begin:index]
    return None


def math_correct(completion: str, answer: str) -> bool:
    """math-verify on the completion's last \\boxed{} answer, the form the prompt asks for; no box, no reward.

    math-verify alone would also take an unanchored last number of the text (a guess in passing earns reward).
    """
    from math_verify import parse, verify

    boxed = last_boxed(completion)
    gold = parse(f"${answer}$")
    if boxed is None or not boxed.strip() or not gold:
        return False
    return bool(verify(gold, parse(f"${boxed}$")))


def is_correct(completion: str, row: dict[str, Any]) -> bool:
    """Whether one completion answers one task row (keys: task, answer, and numbers/target for countdown)."""
    task = row["task"]
    if task == "countdown":
        return countdown_correct(completion, row["numbers"], row["target"])
    if task in ("copy", "arithmetic"):
        return completion.strip() == str(row["answer"])
    return math_correct(completion, str(row["answer"]))


def _rows(count: int, columns: dict[str, Any]) -> list[dict[str, Any]]:
    return [{key: values[i] for key, values in columns.items() if isinstance(values, list)} for i in range(count)]


def accuracy(prompts: list[Any], completions: list[Any], **columns: Any) -> list[float]:
    """1.0 for a correct answer, else 0.0 (needs the task's `task` and `answer` columns)."""
    rows = _rows(len(completions), columns)
    return [float(is_correct(completion_text(c), row)) for c, row in zip(completions, rows, strict=True)]


def format_ok(completion: str, task: str) -> bool:
    """Whether a completion has the shape its task expects, right or wrong."""
    if task in ("copy", "arithmetic"):
        return bool(_DIGITS.match(completion.strip()))
    if task == "countdown":
        match = ANSWER_TAG.search(completion)
        return bool(_EQUATION.match((match.group(1) if match else completion).strip()))
    return "\\boxed{" in completion


def format_reward(prompts: list[Any], completions: list[Any], task: list[str], **_: Any) -> list[float]:
    """1.0 when the completion is well-formed for its task, else 0.0."""
    return [float(format_ok(completion_text(c), t)) for c, t in zip(completions, task, strict=True)]


accuracy.__name__ = "accuracy"
format_reward.__name__ = "format"


def build_rewards(specs: Sequence[Any]) -> tuple[list[RewardFunc], list[float]]:
    """Reward functions and weights for a recipe's `rewards` list (rl4lrm.baselines.recipe.RewardSpec)."""
    funcs: list[RewardFunc] = []
    for spec in specs:
        if spec.name == "accuracy":
            funcs.append(accuracy)
        elif spec.name == "format":
            funcs.append(format_reward)
        else:
            from trl.rewards import get_soft_overlong_punishment

            funcs.append(get_soft_overlong_punishment(spec.max_length, spec.cache))
    return funcs, [spec.weight for spec in specs]


def weighted_scores(
    funcs: Sequence[RewardFunc],
    weights: Sequence[float],
    prompts: list[Any],
    completions: list[Any],
    completion_ids: list[list[int]],
    **columns: Any,
) -> list[float]:
    """Weighted sum of every reward for each completion (used to rank samples for DPO pairs)."""
    total = [0.0] * len(completions)
    for func, weight in zip(funcs, weights, strict=True):
        values = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **columns)
        total = [t + weight * (v or 0.0) for t, v in zip(total, values, strict=True)]
    return total
