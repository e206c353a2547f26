"""The on-policy loop PPO and REINFORCE++ share: sample, score, log-probs, advantages (a subclass hook), and
micro-batched clipped-surrogate updates, all through `accelerate` (plain PyTorch on CPU; sharded under DeepSpeed).

Loss (Schulman et al. 2017, arXiv 1707.06347; details from "The N+ implementation details of RLHF with PPO",
arXiv 2403.17031):

    r_t   = -beta * (log pi_old(a_t|s_t) - log pi_ref(a_t|s_t))  (+ the verifiable score at the final token)
    L     = E_t[max(-A_t rho_t, -A_t clip(rho_t, 1-eps_low, 1+eps_high))]  (+ vf_coef * the clipped value loss)

Torch, transformers, accelerate and TRL are imported inside functions so importing this module stays light.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import torch

RewardFunc = Callable[..., Sequence[float | None]]


# --------------------------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------------------------
@dataclass
class RolloutConfig:
    """Settings shared by every on-policy trainer in this folder (PPO, REINFORCE++)."""

    output_dir: str = "runs/rollout"
    seed: int = 0
    max_steps: int = 100  # rollout + update iterations
    batch_size: int = 32  # prompts per rollout (global, summed over processes)
    num_generations: int = 1  # completions sampled per prompt
    max_completion_length: int = 8
    temperature: float = 1.0  # used for sampling AND for the training log-probs (an N+ detail)
    learning_rate: float = 1e-3
    adam_eps: float = 1e-5
    max_grad_norm: float = 1.0
    num_ppo_epochs: int = 1  # passes over each rollout
    num_mini_batches: int = 1  # optimizer steps per pass
    epsilon: float = 0.2  # lower clip range of the ratio
    epsilon_high: float | None = None  # upper clip range (None: same as epsilon)
    beta: float = 0.05  # token-level KL penalty to the reference, folded into the reward
    missing_eos_penalty: float | None = None  # subtracted from the score of completions without EOS (N+ "EOS trick")
    logging_steps: int = 1
    save_steps: int = 0  # write output_dir/checkpoint-<step> every save_steps steps (0: never)
    micro_batch_size: int | None = None  # rows per forward pass (gradient accumulation); None: whole mini-batch
    gradient_checkpointing: bool = False  # recompute activations in the backward pass (GPU memory)
    bf16: bool = False  # compute in bf16 autocast; load the model in float32 so weights and Adam stay fp32
    weight_decay: float = 0.0  # AdamW weight decay

    def __post_init__(self) -> None:
        positive = ("batch_size", "num_generations", "max_completion_length", "num_ppo_epochs", "num_mini_batches")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.micro_batch_size is not None and self.micro_batch_size < 1:
            raise ValueError(f"micro_batch_size must be at least 1 (or null), got {self.micro_batch_size}")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be > 0 (sampling), got {self.temperature}")
        if self.batch_size * self.num_generations < self.num_mini_batches:
            raise ValueError("num_mini_batches exceeds the completions per rollout (batch_size × num_generations)")


# --------------------------------------------------------------------------------------------------------------------
# The math (pure tensor functions; unit-tested against hand-computed numbers)
# --------------------------------------------------------------------------------------------------------------------
def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the entries of x where mask is 1."""
    return (x * mask).sum() / mask.sum().clamp(min=1)


def masked_whiten(x: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True, eps: float = 1e-8) -> torch.Tensor:
    """(x - mean) / std over the masked entries (population std); shift_mean=False keeps the mean."""
    mean = masked_mean(x, mask)
    var = masked_mean((x - mean) ** 2, mask)
    out = (x - mean) / (var + eps).sqrt()
    if not shift_mean:
        out = out + mean
    return out * mask


def global_masked_whiten(x: torch.Tensor, mask: torch.Tensor, accelerator: Any = None) -> torch.Tensor:
    """masked_whiten over the whole batch summed across processes (REINFORCE++'s global normalisation)."""
    import torch

    def summed(value: torch.Tensor) -> torch.Tensor:
        if accelerator is not None and accelerator.num_processes > 1:
            return accelerator.reduce(value, reduction="sum")
        return value

    # two passes (mean, then squared deviations), as masked_whiten: one process gives the same numbers
    total, count = summed(torch.stack([(x * mask).sum(), mask.sum().to(x.dtype)])).unbind()
    count = count.clamp(min=1)
    mean = total / count
    var = summed(((x - mean) ** 2 * mask).sum()) / count
    return (x - mean) / (var + 1e-8).sqrt() * mask


def token_level_rewards(
    scores: torch.Tensor, logps: torch.Tensor, ref_logps: torch.Tensor, mask: torch.Tensor, beta: float
) -> torch.Tensor:
    """Per-token reward: -beta * (log pi_old - log pi_ref) on every completion token, plus the score on the last one."""
    import torch

    rewards = -beta * (logps - ref_logps) * mask
    last = (mask.sum(dim=1).long() - 1).clamp(min=0)
    rows = torch.arange(rewards.size(0), device=rewards.device)
    rewards[rows, last] += scores * (mask.sum(dim=1) > 0)
    return rewards


def returns_to_go(rewards: torch.Tensor, mask: torch.Tensor, gamma: float = 1.0) -> torch.Tensor:
    """Discounted sum of the rewards from each token to the end of its completion."""
    import torch

    out = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[:, 0])
    for t in reversed(range(rewards.size(1))):
        running = (rewards[:, t] + gamma * running) * mask[:, t]
        out[:, t] = running
    return out


def clipped_policy_loss(
    logps: torch.Tensor,
    old_logps: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    epsilon: float,
    epsilon_high: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """PPO's clipped surrogate, averaged over tokens. Returns (loss, fraction of tokens where clipping bit)."""
    import torch

    ratio = torch.exp(logps - old_logps)
    high = epsilon if epsilon_high is None else epsilon_high
    unclipped = -advantages * ratio
    clipped = -advantages * torch.clamp(ratio, 1 - epsilon, 1 + high)
    loss = masked_mean(torch.maximum(unclipped, clipped), mask)
    return loss, masked_mean((clipped > unclipped).to(logps.dtype), mask)


def clipped_value_loss(
    values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, mask: torch.Tensor, clip: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """0.5 * max of the plain and the clipped squared error, averaged over tokens. Returns (loss, clip fraction)."""
    import torch

    clipped_values = old_values + torch.clamp(values - old_values, -clip, clip)
    plain = (values - returns) ** 2
    clipped = (clipped_values - returns) ** 2
    loss = 0.5 * masked_mean(torch.maximum(plain, clipped), mask)
    return loss, masked_mean((clipped > plain).to(values.dtype), mask)


# --------------------------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------------------------
@functools.cache
def policy_and_value_class() -> type:
    """The nn.Module that holds the policy, the optional value trunk and head (built lazily: torch is heavy)."""
    import torch

    class PolicyAndValue(torch.nn.Module):
        """One module for accelerate/DeepSpeed: the policy LM, an optional value LM copy, the value head."""

        def __init__(self, policy: Any, value_model: Literal["head", "separate"] | None):
            super().__init__()
            self.policy = policy
            self.value_kind = value_model
            # a separate critic is the policy's trunk without its LM head (no vocabulary-sized logits)
            self.value_trunk = copy.deepcopy(policy.base_model) if value_model == "separate" else None
            if value_model is not None:
                self.value_head = torch.nn.Linear(policy.config.hidden_size, 1)
                torch.nn.init.zeros_(self.value_head.weight)
                torch.nn.init.zeros_(self.value_head.bias)

        # What TRL's unwrap_model_for_generation asks of the module it unwraps.
        @property
        def is_gradient_checkpointing(self) -> bool:
            flag = getattr(type(self.policy), "is_activation_checkpointing", None)
            return bool(self.policy.is_activation_checkpointing if flag else self.policy.is_gradient_checkpointing)

        def gradient_checkpointing_disable(self) -> None:
            self.policy.gradient_checkpointing_disable()

        def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs: dict | None = None) -> None:
            self.policy.gradient_checkpointing_enable(gradient_checkpointing_kwargs=gradient_checkpointing_kwargs)

        def forward(self, input_ids, attention_mask, position_ids, with_values: bool = False):
            out = self.policy(
                input_ids=input_ids,
                attention_mask=attention_mask,
                position_ids=position_ids,
                output_hidden_states=with_values and self.value_kind == "head",
                use_cache=False,
            )
            values = None
            if with_values:
                if self.value_kind == "head":
                    hidden = out.hidden_states[-1]
                else:
                    hidden = self.value_trunk(
                        input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, use_cache=False
                    ).last_hidden_state
                # the head's own dtype: bf16 hidden states meet an fp32 head when the policy is loaded in bf16
                values = self.value_head(hidden.to(self.value_head.weight.dtype)).squeeze(-1)
            return out.logits, values

    return PolicyAndValue


# --------------------------------------------------------------------------------------------------------------------
# Rollouts and updates
# --------------------------------------------------------------------------------------------------------------------
@dataclass
class Rollout:
    """One batch of sampled completions and everything the update needs (tensors are per process)."""

    input_ids: torch.Tensor  # prompt (left-padded) + completion (right-padded)
    attention_mask: torch.Tensor
    prompt_length: int
    completion_mask: torch.Tensor  # 1 up to and including the first EOS
    old_logps: torch.Tensor
    ref_logps: torch.Tensor
    scores: torch.Tensor  # verifiable reward per completion
    old_values: torch.Tensor | None = None
    advantages: torch.Tensor | None = None
    returns: torch.Tensor | None = None
    metrics: dict[str, float] = field(default_factory=dict)


class RolloutTrainer:
    """Sample completions, score them, compute advantages (subclass hook), update with the clipped surrogate."""

    value_model: Literal["head", "separate"] | None = None

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        train_dataset: Sequence[dict[str, Any]],
        reward_funcs: RewardFunc | Sequence[RewardFunc],
        config: RolloutConfig,
        ref_model: Any = None,
        reward_weights: Sequence[float] | None = None,
        log: Callable[[int, dict[str, float]], Any] | None = None,
    ):
        import torch
        from accelerate import Accelerator
        from accelerate.utils import set_seed

        from .distributed import process_state

        self.config = config
        self.accumulation = self._accumulation_steps(config, process_state().num_processes)
        precision = {"mixed_precision": "bf16"} if config.bf16 else {}
        self.accelerator = Accelerator(gradient_accumulation_steps=self.accumulation, **precision)
        set_seed(config.seed)
        self.tokenizer = tokenizer
        self.train_dataset = train_dataset
        if len(train_dataset) == 0:
            raise ValueError("train_dataset is empty")
        self.reward_funcs = [reward_funcs] if callable(reward_funcs) else list(reward_funcs)
        self.reward_weights = list(reward_weights) if reward_weights is not None else [1.0] * len(self.reward_funcs)
        if len(self.reward_weights) != len(self.reward_funcs):
            raise ValueError(f"{len(self.reward_weights)} reward weights for {len(self.reward_funcs)} reward functions")
        self.log = log
        ref = ref_model if ref_model is not None else copy.deepcopy(model)
        ref.requires_grad_(False)
        if config.gradient_checkpointing:
            model.gradient_checkpointing_enable()
        wrapped = policy_and_value_class()(model, self.value_model)
        optimizer = torch.optim.AdamW(
            self.parameter_groups(wrapped),
            lr=config.learning_rate,
            eps=config.adam_eps,
            weight_decay=config.weight_decay,
        )
        plugin = self.accelerator.state.deepspeed_plugin
        if plugin is not None:  # no dataloader is prepared: DeepSpeed is told micro-batch, accumulation and clipping
            rows = config.batch_size * config.num_generations // self.accelerator.num_processes
            micro = config.micro_batch_size or rows // config.num_mini_batches
            plugin.deepspeed_config["train_micro_batch_size_per_gpu"] = micro
            plugin.deepspeed_config["gradient_accumulation_steps"] = self.accumulation
            plugin.deepspeed_config["gradient_clipping"] = config.max_grad_norm or 0.0
        self.model, self.optimizer = self.accelerator.prepare(wrapped, optimizer)
        if plugin is not None:
            from trl.models.utils import prepare_deepspeed

            self.ref_model = prepare_deepspeed(ref, self.accelerator)
        else:
            self.ref_model = ref.to(self.accelerator.device).eval()
        self.generator = torch.Generator().manual_seed(config.seed + self.accelerator.process_index)
        self.history: list[dict[str, float]] = []
        self.step = 0

    @staticmethod
    def _accumulation_steps(config: RolloutConfig, processes: int) -> int:
        """Micro-batches per optimizer step on each process (every mini-batch has as many)."""
        if config.batch_size % processes:
            raise ValueError(f"batch_size {config.batch_size} must divide by {processes} processes")
        rows = config.batch_size * config.num_generations // processes
        if rows % config.num_mini_batches:
            raise ValueError(
                f"each process's {rows} completions per rollout must split into num_mini_batches "
                f"({config.num_mini_batches}) equal mini-batches"
            )
        mini = rows // config.num_mini_batches
        return -(-mini // (config.micro_batch_size or mini))  # the last micro-batch may be smaller

    def parameter_groups(self, wrapped: Any) -> list[dict[str, Any]]:
        """Optimizer parameter groups: the policy at learning_rate (subclasses give a critic its own rate)."""
        return [{"params": [p for p in wrapped.parameters() if p.requires_grad]}]

    # ---- sampling -------------------------------------------------------------------------------------------------
    def _prompts(self) -> list[dict[str, Any]]:
        """This process's share of the prompts for one rollout, each repeated num_generations times in a row."""
        import torch

        per_process = self.config.batch_size // self.accelerator.num_processes
        picks = torch.randint(len(self.train_dataset), (per_process,), generator=self.generator).tolist()
        return [dict(self.train_dataset[i]) for i in picks for _ in range(self.config.num_generations)]

    def _logps_values(self, model: Any, rollout_ids, attention_mask, prompt_length: int, with_values: bool):
        """Per-token log-probs of the completion tokens (temperature-scaled) and, if asked, V(s_t) before each."""
        from trl.trainer.utils import selective_log_softmax

        position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
        if model is self.ref_model:
            logits = model(
                input_ids=rollout_ids, attention_mask=attention_mask, position_ids=position_ids, use_cache=False
            ).logits
            values = None
        else:
            logits, values = model(rollout_ids, attention_mask, position_ids, with_values=with_values)
        logits = logits[:, prompt_length - 1 : -1] / self.config.temperature
        logps = selective_log_softmax(logits, rollout_ids[:, prompt_length:])
        if values is not None:
            values = values[:, prompt_length - 1 : -1]
        return logps, values, logits

    def _score(self, rows: list[dict[str, Any]], prompts: list[str], completions: list[str], completion_ids) -> Any:
        import torch

        total = torch.zeros(len(completions))
        for func, weight in zip(self.reward_funcs, self.reward_weights, strict=True):
            columns = {k: [row[k] for row in rows] for k in rows[0] if k not in ("prompt", "completion")}
            values = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **columns)
            total += weight * torch.tensor([math.nan if v is None else float(v) for v in values]).nan_to_num(0.0)
        return total

    def rollout(self) -> Rollout:
        """Sample one batch and compute old log-probs, reference log-probs, values and scores (no gradients)."""
        import torch
        from trl.models.utils import unwrap_model_for_generation

        from .generation import encode_prompts

        device = self.accelerator.device
        rows = self._prompts()
        prompts = [row["prompt"] for row in rows]
        texts = encode_prompts(self.tokenizer, prompts)  # chat prompts go through the chat template
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, padding_side="left", add_special_tokens=False)
        prompt_ids, prompt_mask = enc["input_ids"].to(device), enc["attention_mask"].to(device)
        self.model.eval()
        with torch.no_grad():
            with unwrap_model_for_generation(self.model, self.accelerator) as unwrapped:
                out = unwrapped.policy.generate(
                    input_ids=prompt_ids,
                    attention_mask=prompt_mask,
                    do_sample=True,
                    temperature=self.config.temperature,
                    top_k=0,
                    top_p=1.0,
                    max_new_tokens=self.config.max_completion_length,
                    pad_token_id=self.tokenizer.pad_token_id,
                    eos_token_id=self.tokenizer.eos_token_id,
                )
            completion_ids = out[:, prompt_ids.size(1) :]
            is_eos = completion_ids == self.tokenizer.eos_token_id
            first_eos = torch.where(is_eos.any(1), is_eos.int().argmax(1), completion_ids.size(1))
            positions = torch.arange(completion_ids.size(1), device=device).expand_as(completion_ids)
            completion_mask = (positions <= first_eos.unsqueeze(1)).long()
            completion_ids = completion_ids.masked_fill(completion_mask == 0, self.tokenizer.pad_token_id)
            input_ids = torch.cat([prompt_ids, completion_ids], dim=1)
            attention_mask = torch.cat([prompt_mask, completion_mask], dim=1)
            p = prompt_ids.size(1)
            old_logps, ref_logps, values = [], [], []
            for micro in self._micro_batches(torch.arange(input_ids.size(0), device=device)):
                ids, att = input_ids[micro], attention_mask[micro]
                logps, vals, _ = self._logps_values(self.model, ids, att, p, self.value_model is not None)
                old_logps.append(logps)
                values.append(vals)
                ref_logps.append(self._logps_values(self.ref_model, ids, att, p, False)[0])
            old_logps, ref_logps = torch.cat(old_logps), torch.cat(ref_logps)
            old_values = torch.cat(values) if self.value_model is not None else None
        texts = self.tokenizer.batch_decode(completion_ids, skip_special_tokens=True)
        ids_list = [ids[m.bool()].tolist() for ids, m in zip(completion_ids, completion_mask, strict=True)]
        scores = self._score(rows, prompts, texts, ids_list).to(device)
        truncated = ~is_eos.any(1)
        if self.config.missing_eos_penalty is not None:
            scores = scores - self.config.missing_eos_penalty * truncated.float()
        mask = completion_mask.float()
        kl = ((old_logps - ref_logps) * mask).sum(1)
        metrics = {
            "reward": self.accelerator.gather(scores).mean().item(),
            "kl": self.accelerator.gather(kl).mean().item(),
            "completion_length": self.accelerator.gather(mask.sum(1)).mean().item(),
            "truncated": self.accelerator.gather(truncated.float()).mean().item(),
        }
        return Rollout(input_ids, attention_mask, p, mask, old_logps, ref_logps, scores, old_values, metrics=metrics)

    # ---- advantages (the part that differs between algorithms) ----------------------------------------------------
    def compute_advantages(self, rollout: Rollout) -> None:
        """Fill rollout.advantages (and rollout.returns for a critic)."""
        raise NotImplementedError

    # ---- update ---------------------------------------------------------------------------------------------------
    def _micro_batches(self, idx: torch.Tensor) -> tuple[torch.Tensor, ...]:
        size = self.config.micro_batch_size or idx.numel()
        return idx.split(size)

    def update(self, rollout: Rollout) -> dict[str, float]:
        """num_ppo_epochs passes of num_mini_batches clipped-surrogate steps over one rollout.

        A mini-batch is processed in micro-batches (gradient accumulation) whose token means are weighted by their
        share of the tokens of the whole mini-batch, over all processes, so the step equals the one on the whole
        mini-batch in one process, however the completion tokens fall across processes.
        """
        import torch

        cfg = self.config
        self.model.train()
        n = rollout.input_ids.size(0)
        sums: dict[str, float] = {}
        count = 0
        for _ in range(cfg.num_ppo_epochs):
            order = torch.randperm(n, generator=self.generator).to(rollout.input_ids.device)
            for idx in order.chunk(cfg.num_mini_batches):
                local = rollout.completion_mask[idx].sum()
                tokens = local
                if self.accelerator.num_processes > 1:  # every process's share of this mini-batch
                    tokens = self.accelerator.reduce(local, reduction="sum")
                tokens = (tokens.clamp(min=1), local.clamp(min=1))
                stats: dict[str, float] = {}
                for micro in self._micro_batches(idx):
                    with self.accelerator.accumulate(self.model):
                        self._micro_step(rollout, micro, tokens, stats)
                for k, v in stats.items():
                    sums[k] = sums.get(k, 0.0) + v
                count += 1
        return {k: v / count for k, v in sums.items()}

    def _micro_step(
        self, rollout: Rollout, micro: torch.Tensor, tokens: tuple[torch.Tensor, torch.Tensor], stats: dict[str, float]
    ) -> None:
        """Forward and backward of one micro-batch; the optimizer steps after the mini-batch's last one.

        tokens: the mini-batch's completion tokens over all processes, and in this process. `accelerator.accumulate`
        (and DeepSpeed's own accumulation, set to the same count) make the optimizer step once per mini-batch; both
        divide the loss by the micro-batch count, and DDP (or DeepSpeed) averages the gradients over the processes:
        the loss is weighted by its share of all the mini-batch's tokens times both counts, which undoes them, so
        the step is the token mean over the whole mini-batch. The logged statistics are this process's token means.
        """
        import torch

        cfg = self.config
        mask = rollout.completion_mask[micro]
        total, local = tokens
        weight = (mask.sum() / total).item() * self.accelerator.num_processes * self.accumulation
        share = (mask.sum() / local).item()
        logps, values, logits = self._logps_values(
            self.model,
            rollout.input_ids[micro],
            rollout.attention_mask[micro],
            rollout.prompt_length,
            self.value_model is not None,
        )
        loss, clipfrac = clipped_policy_loss(
            logps, rollout.old_logps[micro], rollout.advantages[micro], mask, cfg.epsilon, cfg.epsilon_high
        )
        parts = {"policy_loss": loss.item(), "clipfrac": clipfrac.item()}
        if values is not None:
            vloss, vclip = clipped_value_loss(
                values, rollout.old_values[micro], rollout.returns[micro], mask, cfg.value_clip
            )
            loss = loss + cfg.vf_coef * vloss
            parts.update(value_loss=vloss.item(), value_clipfrac=vclip.item())
        parts["loss"] = loss.item()
        self.accelerator.backward(loss * weight)
        with torch.no_grad():
            entropy = -(logits.softmax(-1) * logits.log_softmax(-1)).sum(-1)
            parts["entropy"] = masked_mean(entropy, mask).item()
            parts["approx_kl"] = masked_mean(0.5 * (logps - rollout.old_logps[micro]) ** 2, mask).item()
        for k, v in parts.items():
            stats[k] = stats.get(k, 0.0) + v * share
        if self.accelerator.sync_gradients and cfg.max_grad_norm:
            self.accelerator.clip_grad_norm_(self.model.parameters(), cfg.max_grad_norm)
        self.optimizer.step()
        self.optimizer.zero_grad()

    def train(self, resume_from_checkpoint: str | None = None) -> list[dict[str, float]]:
        """Run max_steps rollout/update iterations (continuing a checkpoint if given); return the logged rows."""
        cfg = self.config
        if resume_from_checkpoint:
            self.load_checkpoint(Path(resume_from_checkpoint))
        start = time.perf_counter()
        while self.step < cfg.max_steps:
            rollout = self.rollout()
            self.compute_advantages(rollout)
            stats = {**rollout.metrics, **self.update(rollout)}
            self.step += 1
            if self.step % cfg.logging_steps == 0 or self.step == cfg.max_steps:
                row = {**stats, "seconds": round(time.perf_counter() - start, 3)}
                self.history.append({"step": self.step, **row})
                if self.log is not None and self.accelerator.is_main_process:
                    self.log(self.step, row)
            if cfg.save_steps and self.step % cfg.save_steps == 0:
                self.save_checkpoint()
        return self.history

    def save_checkpoint(self) -> Path:
        """output_dir/checkpoint-<step>: model, optimizer and RNG states (accelerate) plus the step."""
        folder = Path(self.config.output_dir) / f"checkpoint-{self.step}"
        self.accelerator.save_state(str(folder))
        if self.accelerator.is_main_process:
            state = {"step": self.step, "generator": self.generator.get_state().tolist()}
            (folder / "rollout_state.json").write_text(json.dumps(state), encoding="utf-8")
        self.accelerator.wait_for_everyone()
        return folder

    def load_checkpoint(self, folder: Path) -> None:
        """Restore what save_checkpoint wrote; the next step is the one after the checkpoint's."""
        import torch

        self.accelerator.load_state(str(folder))
        state = json.loads((folder / "rollout_state.json").read_text(encoding="utf-8"))
        self.step = int(state["step"])
        self.generator.set_state(torch.tensor(state["generator"], dtype=torch.uint8))

    def save_model(self, output_dir: str | None = None) -> Path:
        """Save the policy (without the value head) and the tokenizer."""
        out = Path(output_dir or self.config.output_dir)
        self.accelerator.wait_for_everyone()
        state = self.accelerator.get_state_dict(self.model)  # every rank: under ZeRO-3 this gathers the shards
        if self.accelerator.is_main_process:
            policy_state = {k.removeprefix("policy."): v for k, v in state.items() if k.startswith("policy.")}
            self.accelerator.unwrap_model(self.model).policy.save_pretrained(out, state_dict=policy_state)
            self.tokenizer.save_pretrained(out)
        self.accelerator.wait_for_everyone()
        return out

    @property
    def policy(self) -> Any:
        """The trained policy LM (unwrapped)."""
        return self.accelerator.unwrap_model(self.model).policy


def build_rollout_trainer(trainer_class: type[RolloutTrainer], job: Any) -> Any:
    """A rollout trainer (PPO, REINFORCE++) on the job's prompts, rewards and reward weights."""
    return trainer_class(
        job.model,
        job.tokenizer,
        job.train_rows,
        job.reward_funcs,
        job.config,
        reward_weights=job.reward_weights,
        log=job.log,
    )
