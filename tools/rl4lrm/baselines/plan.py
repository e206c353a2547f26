"""How much memory one GPU of a recipe needs: `rl4lrm baseline plan ALG --preset P` and `rl4lrm baseline check`.

Everything is computed from the recipe, the accelerate config it names, the SLURM script (server-mode vLLM) and
the model's architecture (data/models.yaml); nothing is imported from torch, TRL or DeepSpeed. Formulas:

- Model states, mixed-precision Adam (Rajbhandari et al., ZeRO, arXiv 1910.02054, §3.1): 16 bytes per parameter
  = 2 (bf16 weights) + 2 (bf16 gradients) + 12 optimizer (4 fp32 master copy + 4 momentum + 4 variance).
  ZeRO-1 shards the 12 optimizer bytes over the N data-parallel GPUs, ZeRO-2 also the gradients, ZeRO-3 also the
  weights. Without DeepSpeed, torch AdamW keeps its two moments in the parameters' dtype: an fp32 model (bf16
  autocast) needs 4 + 4 + 8 = 16 bytes, a bf16 model 2 + 2 + 4 = 8 bytes and has no fp32 copy at all.
- Activations (Korthikanti et al., arXiv 2205.05198, §4.1, eq. 1): one transformer layer stores
  s·b·h·(34 + 5·a·s/h) bytes of 16-bit activations for sequence length s, micro-batch b, hidden size h and a heads
  (GPT MLP of width 4h). The MLP's share, 19·s·b·h, is (3h + 4i)·s·b for an MLP of width i; a SwiGLU MLP stores
  four width-i tensors instead of two (gate, up, SiLU, product), so a Llama/Qwen layer stores
  s·b·(15h + 3h + 8i) = s·b·(18h + 8i), plus 5·a·s²·b for the attention scores, which SDPA/flash attention
  (transformers' default) never materialises. With full activation checkpointing each layer keeps its 2·s·b·h-byte
  input and one layer's activations are rebuilt at a time.
- Logits: tokens × vocabulary × 4 bytes (fp32) per copy; which copies are alive depends on the trainer (see
  `_logits`). TRL 1.16's GRPO, RLOO and DPO trainers use its fused LM head (trl/kernels/chunked_logprob.py):
  the logits only exist as 4096-token × 32768-vocabulary tiles, and the backward keeps an fp32 gradient of the LM
  head and of the hidden states instead.
- KV cache: 2 (K and V) × layers × KV heads × head dim × 2 bytes (bf16) per token.
- vLLM (colocate) takes vllm_gpu_memory_utilization × the GPU's memory up front: its weights (bf16, split over
  vllm_tensor_parallel_size GPUs), the rest is KV cache, which must hold one max_model_len sequence to start.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..kb.problems import DataError, Problem, pydantic_problems, relative
from ..kb.safeyaml import load_file
from .recipe import RecipeFile

GIB = 1024**3
PROMPT_TOKENS = 512  # assumed prompt length (TRL 1.16 has no max_prompt_length; GSM8K/MATH prompts are shorter)
CUDA_OVERHEAD_GIB = 2.5  # CUDA context, NCCL buffers, allocator fragmentation: per process
SAFETY_MARGIN = 0.05  # a plan fits when its total is at most (1 - margin) × the GPU's memory
LOGIT_BYTES = 4  # logits counted in fp32 (a bf16 LM head output is half this: the plan errs on the safe side)
FUSED_TOKEN_TILE, FUSED_VOCAB_TILE = 4096, 32768  # trl/kernels/chunked_logprob.py (TOKEN_CHUNK_SIZE, chunk_size)
FUSED_LM_HEAD = {"grpo", "rloo", "dpo", "dapo-dynamic", "gmpo"}  # trainers whose TRL class calls add_fused_lm_head
ROLLOUT_TRAINERS = {"ppo", "reinforce-pp"}  # ours (rollout.py): HF generate, no vLLM
ALWAYS_REFERENCE = {"dpo", "online-dpo", "ppo", "reinforce-pp"}  # keep a frozen reference whatever beta is
VLLM_SERVE_DEFAULTS = {"tensor_parallel_size": 1, "data_parallel_size": 1, "gpu_memory_utilization": 0.9}
# Defaults of the TRL 1.16 config fields the plan reads when a recipe leaves them out (tests compare these with the
# installed classes). PPO and REINFORCE++ defaults are read from their own dataclasses (light imports).
_TRL_COMMON = {
    "per_device_train_batch_size": 8,
    "gradient_accumulation_steps": 1,
    "gradient_checkpointing": True,
    "bf16": None,  # None: True unless fp16
    "fp16": False,
    "learning_rate": 1e-6,
}
_VLLM = {"use_vllm": False, "vllm_mode": "colocate", "vllm_tensor_parallel_size": 1, "vllm_enable_sleep_mode": False}
_GRPO = {
    **_TRL_COMMON,
    **_VLLM,
    "beta": 0.0,
    "num_generations": 8,
    "max_completion_length": 512,
    "vllm_gpu_memory_utilization": 0.3,
    "vllm_max_model_length": None,
    "steps_per_generation": None,
}
TRL_DEFAULTS: dict[str, dict[str, Any]] = {
    "grpo": _GRPO,
    "dapo-dynamic": _GRPO,
    "gmpo": _GRPO,  # GMPOConfig changes only epsilon's default (0.4, in log space), which the plan does not read
    "rloo": {**_GRPO, "beta": 0.05, "num_generations": 2},
    "dpo": {**_TRL_COMMON, "beta": 0.1, "max_length": 1024, "precompute_ref_log_probs": False},
    "online-dpo": {
        **_TRL_COMMON,
        **_VLLM,
        "beta": [0.1],
        "max_length": 512,
        "max_new_tokens": 64,
        "vllm_gpu_memory_utilization": 0.55,
        "learning_rate": 5e-7,
    },
}
DATA = Path(__file__).parent / "data" / "models.yaml"


# --------------------------------------------------------------------------------------------------------------------
# Architectures
# --------------------------------------------------------------------------------------------------------------------
class Architecture(BaseModel):
    """The numbers of a causal LM's config.json that memory depends on (see data/models.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config: str = Field(description="where the numbers come from: the public config.json")
    parameters: int = Field(ge=1)
    card: str = ""
    layers: int = Field(ge=1)
    hidden_size: int = Field(ge=1)
    intermediate_size: int = Field(ge=1)
    attention_heads: int = Field(ge=1)
    kv_heads: int = Field(ge=1)
    head_dim: int = Field(ge=1)
    vocab_size: int = Field(ge=1)
    max_position_embeddings: int = Field(ge=1)
    tie_word_embeddings: bool
    torch_dtype: Literal["float32", "bfloat16", "float16"] = "bfloat16"
    qkv_bias: bool = False

    def layer_parameters(self) -> int:
        """One decoder layer: q, k, v, o projections (biases on q, k, v if qkv_bias), SwiGLU MLP, two norms."""
        h, q, kv = self.hidden_size, self.attention_heads * self.head_dim, self.kv_heads * self.head_dim
        attention = h * q + 2 * h * kv + q * h + ((q + 2 * kv) if self.qkv_bias else 0)
        return attention + 3 * h * self.intermediate_size + 2 * h

    def embedding_parameters(self) -> int:
        return self.vocab_size * self.hidden_size

    def count_parameters(self) -> int:
        """Embedding + layers + final norm + LM head (unless tied to the embedding)."""
        heads = 1 if self.tie_word_embeddings else 2
        return heads * self.embedding_parameters() + self.layers * self.layer_parameters() + self.hidden_size

    def kv_bytes_per_token(self, dtype_bytes: int = 2) -> int:
        """K and V of every layer for one token: 2 × layers × KV heads × head dim × bytes."""
        return 2 * self.layers * self.kv_heads * self.head_dim * dtype_bytes


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    models: dict[str, Architecture]


@functools.cache
def architectures(path: Path = DATA) -> dict[str, Architecture]:
    """The shipped table of model architectures, by Hugging Face id."""
    name = relative(path)
    loaded = load_file(path, name)
    try:
        return _Table.model_validate(loaded.data).models
    except ValidationError as exc:
        raise DataError(pydantic_problems(exc, name, loaded, _Table)) from None


def tiny_architecture(hidden_size: int = 64, layers: int = 2) -> Architecture:
    """The built-in character-level Llama of the cpu-smoke presets (rl4lrm.baselines.models.tiny_llama)."""
    from .models import ALPHABET, SPECIALS

    heads = 4
    arch = {
        "config": "rl4lrm.baselines.models.tiny_llama (LlamaConfig built locally)",
        "parameters": 1,
        "layers": layers,
        "hidden_size": hidden_size,
        "intermediate_size": 2 * hidden_size,
        "attention_heads": heads,
        "kv_heads": heads,
        "head_dim": hidden_size // heads,
        "vocab_size": len(SPECIALS) + len(dict.fromkeys(ALPHABET)),
        "max_position_embeddings": 256,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
    }
    probe = Architecture.model_validate(arch)
    return probe.model_copy(update={"parameters": probe.count_parameters()})


def _from_config_json(path: Path) -> Architecture:
    data = json.loads(path.read_text(encoding="utf-8"))
    heads = int(data["num_attention_heads"])
    arch = Architecture(
        config=path.as_posix(),
        parameters=1,
        layers=int(data["num_hidden_layers"]),
        hidden_size=int(data["hidden_size"]),
        intermediate_size=int(data["intermediate_size"]),
        attention_heads=heads,
        kv_heads=int(data.get("num_key_value_heads") or heads),
        head_dim=int(data.get("head_dim") or data["hidden_size"] // heads),
        vocab_size=int(data["vocab_size"]),
        max_position_embeddings=int(data.get("max_position_embeddings") or 2048),
        tie_word_embeddings=bool(data.get("tie_word_embeddings", False)),
        torch_dtype=data.get("torch_dtype") or data.get("dtype") or "bfloat16",
        qkv_bias=data.get("model_type") == "qwen2" or bool(data.get("attention_bias", False)),
    )
    return arch.model_copy(update={"parameters": arch.count_parameters()})


def architecture(file: RecipeFile) -> Architecture:
    """The policy's architecture: the tiny model, the shipped table, or a local folder's config.json."""
    from .models import TINY

    model = file.recipe.model
    if model.name == TINY:
        tiny = model.tiny.model_dump() if model.tiny else {}
        return tiny_architecture(**tiny)
    table = architectures()
    if model.name in table:
        return table[model.name]
    local = Path(model.name) / "config.json"
    if local.is_file():
        return _from_config_json(local)
    raise DataError(
        [
            file.problem(
                ("model", "name"),
                "plan-unknown-model",
                f"no architecture for '{model.name}' to plan its memory with",
                f"add it to {relative(DATA)} from its config.json",
            )
        ]
    )


# --------------------------------------------------------------------------------------------------------------------
# The pieces
# --------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Launch:
    """What the accelerate config says about sharding and precision."""

    config: str | None
    deepspeed: bool
    zero_stage: int  # 0 without DeepSpeed
    offload_optimizer: bool
    offload_params: bool
    mixed_precision: str  # "no", "bf16", "fp16"


def read_launch(file: RecipeFile, accelerate_dir: Path) -> Launch:
    """The sharding and mixed precision of the recipe's accelerate config (none: one plain process)."""
    name = file.recipe.launch.accelerate_config
    if name is None:
        return Launch(None, False, 0, False, False, "no")
    path = accelerate_dir / name
    if not path.is_file():
        raise DataError([file.problem(("launch", "accelerate_config"), "launch-config", f"no file {name}")])
    data = load_file(path).data or {}
    deepspeed = str(data.get("distributed_type", "NO")).upper() == "DEEPSPEED"
    ds = data.get("deepspeed_config") or {}

    def offloaded(key: str) -> bool:
        return str(ds.get(key) or "none").lower() not in ("none", "")

    return Launch(
        name,
        deepspeed,
        int(ds.get("zero_stage", 0)) if deepspeed else 0,
        deepspeed and offloaded("offload_optimizer_device"),
        deepspeed and offloaded("offload_param_device"),
        str(data.get("mixed_precision") or "no").lower(),
    )


@dataclass(frozen=True)
class StateBytes:
    """Bytes per parameter of the trained model's states on one GPU, after sharding."""

    weights: float
    gradients: float
    optimizer: float  # the two Adam moments
    master: float  # a separate fp32 copy of the weights (DeepSpeed mixed precision)

    @property
    def total(self) -> float:
        return self.weights + self.gradients + self.optimizer + self.master


def state_bytes(
    weight_bytes: int,
    half_precision_engine: bool,
    zero_stage: int = 0,
    world: int = 1,
    offload_optimizer: bool = False,
    offload_params: bool = False,
) -> StateBytes:
    """Per-parameter bytes of weights, gradients, Adam moments and master copy on one of `world` GPUs.

    half_precision_engine: DeepSpeed with bf16/fp16 on: 2 + 2 + 8 + 4 = 16 bytes (ZeRO §3.1), sharded by stage.
    Otherwise torch AdamW in the weights' dtype: 4 + 4 + 8 for fp32 weights, 2 + 2 + 4 for bf16 ones.
    """
    if half_precision_engine:
        weights, grads, moments, master = 2.0, 2.0, 8.0, 4.0
    else:
        weights, grads, moments, master = float(weight_bytes), float(weight_bytes), 2.0 * weight_bytes, 0.0
    if zero_stage >= 1:
        moments, master = moments / world, master / world
    if zero_stage >= 2:
        grads /= world
    if zero_stage >= 3:
        weights /= world
    if offload_optimizer:
        moments = master = 0.0
    if offload_params and zero_stage >= 3:
        weights = 0.0
    return StateBytes(weights, grads, moments, master)


def layer_activation_bytes(
    tokens: int, batch: int, arch: Architecture, scores: bool = False, gated: bool = True, dtype_bytes: int = 2
) -> float:
    """Activations one layer keeps for backward (Korthikanti et al. eq. 1, MLP term for width i; see module doc).

    gated=False with i = 4h gives Korthikanti's s·b·h·34 (+ 5·a·s²·b with scores=True).
    """
    h, i = arch.hidden_size, arch.intermediate_size
    mlp = 3 * h + (8 if gated else 4) * i
    out = tokens * batch * (15 * h + mlp)
    if scores:
        out += 5 * arch.attention_heads * tokens * tokens * batch
    return out * dtype_bytes / 2


def activation_bytes(tokens: int, batch: int, arch: Architecture, checkpointing: bool, dtype_bytes: int = 2) -> float:
    """All layers: L full layers without checkpointing; L layer inputs (2·s·b·h) + one rebuilt layer with it."""
    layer = layer_activation_bytes(tokens, batch, arch, dtype_bytes=dtype_bytes)
    if not checkpointing:
        return arch.layers * layer
    return arch.layers * tokens * batch * arch.hidden_size * dtype_bytes + layer


# --------------------------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------------------------
@dataclass
class Fix:
    """The recipe field to change first when a plan does not fit, and how."""

    field: tuple[str | int, ...]
    hint: str


@dataclass
class Plan:
    """One recipe's memory per GPU (GiB) and batch arithmetic; `fits` with the reason and the assumptions."""

    recipe: str
    algorithm: str
    preset: str
    trainer: str
    model: str
    parameters: int
    gpus: int
    gpu_memory_gib: float
    accelerate_config: str | None
    zero_stage: int
    prompt_tokens: int
    completion_tokens: int
    sequence_tokens: int
    sequences_per_micro_batch: int
    prompts_per_rollout: int | None
    completions_per_rollout: int | None
    completions_per_optimizer_step: int
    optimizer_steps_per_rollout: int | None
    fp32_master_weights: bool
    gradient_checkpointing: bool
    activations_gib: dict[str, float]
    memory_per_gpu_gib: dict[str, float]
    peak_phase: str
    vllm: dict[str, Any] | None
    fits: bool
    reason: str
    notes: list[str] = field(default_factory=list)
    fix: Fix | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "fix"}
        out["fix"] = {"field": ".".join(str(p) for p in self.fix.field), "hint": self.fix.hint} if self.fix else None
        return out


def _gib(value: float) -> float:
    return round(value / GIB, 2)


def trainer_values(file: RecipeFile) -> dict[str, Any]:
    """The trainer config the plan reads: the recipe's fields over the trainer's defaults."""
    recipe = file.recipe
    if recipe.trainer in ROLLOUT_TRAINERS:
        import dataclasses

        from .trainers import config_class

        cls = config_class(recipe.trainer)
        defaults = {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
    else:
        defaults = dict(TRL_DEFAULTS.get(recipe.trainer, TRL_DEFAULTS["grpo"]))
    return {**defaults, **recipe.trainer_config()}


def _field(file: RecipeFile, key: str) -> tuple[str | int, ...]:
    """Where a trainer field lives in the recipe: defining.<key>.value, config.<key>, or the config section."""
    recipe = file.recipe
    if key in recipe.defining:
        return ("defining", key, "value")
    if key in recipe.config:
        return ("config", key)
    return ("config",)


def _nonzero(beta: Any) -> bool:
    values = beta if isinstance(beta, list) else [beta]
    return any(float(v or 0) != 0 for v in values)


def _geometry(trainer: str, values: dict[str, Any], world: int, prompt: int, preferences: Any) -> tuple[int, int, int]:
    """(sequences per micro-step per GPU, tokens per sequence, scored completion tokens per sequence)."""
    if trainer in ROLLOUT_TRAINERS:
        rows = int(values["batch_size"]) * int(values.get("num_generations", 1)) // world
        mini = max(rows // int(values.get("num_mini_batches", 1)), 1)
        micro = int(values.get("micro_batch_size") or mini)
        completion = int(values["max_completion_length"])
        return min(micro, mini), prompt + completion, completion
    per_device = int(values["per_device_train_batch_size"])
    if trainer == "dpo":  # chosen and rejected of each pair in one batch
        new = preferences.max_new_tokens if preferences else int(values["max_length"]) - prompt
        tokens = min(int(values["max_length"] or prompt + new), prompt + new)
        return 2 * per_device, tokens, max(tokens - prompt, 1)
    if trainer == "online-dpo":  # two completions per prompt, truncated on the left to max_length
        completion = int(values["max_new_tokens"])
        tokens = min(prompt + completion, int(values["max_length"]))
        return 2 * per_device, tokens, min(completion, tokens)
    completion = int(values["max_completion_length"])
    return per_device, prompt + completion, completion


def _logits(trainer: str, arch: Architecture, batch: int, tokens: int, completion: int) -> tuple[float, str]:
    """Bytes of logits (and their fp32 gradient buffers) alive at the training step's peak, and how they count."""
    vocab, h = arch.vocab_size, arch.hidden_size
    if trainer in FUSED_LM_HEAD:
        scored = batch * completion
        tile = min(scored, FUSED_TOKEN_TILE) * min(vocab, FUSED_VOCAB_TILE) * LOGIT_BYTES
        grads = vocab * h * 4 + scored * h * 4  # fp32 LM-head and hidden-state gradients of the fused kernel
        return tile + grads, "fused LM head: one logits tile plus fp32 gradients of the LM head and hidden states"
    if trainer == "online-dpo":
        full = batch * tokens * vocab * LOGIT_BYTES
        return full + batch * completion * vocab * LOGIT_BYTES, "full-sequence logits and their log-softmax copy"
    full = batch * tokens * vocab * LOGIT_BYTES
    return (
        full + 3 * batch * completion * vocab * LOGIT_BYTES,
        "full-sequence logits, the temperature-scaled completion slice, its log-softmax and the entropy metric's",
    )


def _kv_sequences(arch: Architecture, kv_bytes: float, tensor_parallel: int, tokens: int) -> tuple[int, int]:
    """(tokens, whole sequences of `tokens`) a per-GPU KV cache of kv_bytes holds, KV heads split over TP GPUs."""
    split = tensor_parallel if arch.kv_heads % tensor_parallel == 0 else 1
    per_token = arch.kv_bytes_per_token(2) / split
    held = max(int(kv_bytes // per_token), 0)
    return held, held // tokens


@dataclass(frozen=True)
class Precision:
    """The dtypes a recipe trains with, as far as memory is concerned."""

    dtype: str  # the model as loaded (model.dtype, or the config's torch_dtype for "auto")
    weight_bytes: int  # bytes of a loaded weight
    half: bool  # bf16/fp16 mixed precision (autocast, or DeepSpeed's bf16/fp16 engine)
    engine_half: bool  # DeepSpeed bf16/fp16: bf16 weights on the GPU, fp32 master partitions
    gpu_weight_bytes: int  # bytes of a weight as the GPU computes with it
    compute_bytes: int  # bytes of an activation
    fp32_master: bool  # the optimizer updates fp32 weights (a master copy or the weights themselves)


def precision(file: RecipeFile, arch: Architecture, values: dict[str, Any], launch: Launch) -> Precision:
    """TRL trainers: bf16/fp16 fields (bf16 None means on); ours: the accelerate config's mixed_precision."""
    if file.recipe.trainer in ROLLOUT_TRAINERS:
        half = launch.mixed_precision in ("bf16", "fp16")
    else:
        bf16 = values.get("bf16")
        half = bool(values.get("fp16") or (bf16 if bf16 is not None else True))
    dtype = file.recipe.model.dtype if file.recipe.model.dtype != "auto" else arch.torch_dtype
    weight_bytes = 4 if dtype == "float32" else 2
    engine_half = launch.deepspeed and half
    return Precision(
        dtype=dtype,
        weight_bytes=weight_bytes,
        half=half,
        engine_half=engine_half,
        gpu_weight_bytes=2 if engine_half else weight_bytes,
        compute_bytes=2 if (half or weight_bytes == 2) else 4,
        fp32_master=engine_half or weight_bytes == 4,
    )


def _states_note(prec: Precision, launch: Launch, world: int, learning_rate: float) -> str:
    if launch.deepspeed:
        how = " in bf16: 16 bytes/parameter (2 weights + 2 gradients + 8 Adam moments + 4 fp32 master)"
        offload = ", optimizer states offloaded to CPU" if launch.offload_optimizer else ""
        return f"DeepSpeed ZeRO-{launch.zero_stage} over {world} GPUs{how if prec.half else ''}{offload}"
    if prec.weight_bytes == 4:
        autocast = " with 16-bit autocast" if prec.half else ""
        return f"fp32 weights{autocast}: 16 bytes/parameter (4 weights + 4 gradients + 8 Adam moments)"
    note = f"{prec.dtype} weights trained in place without DeepSpeed: 8 bytes/parameter, no fp32 master copy"
    if prec.dtype == "bfloat16" and 0 < learning_rate < 2**-8:
        note += (
            f"; warning: learning_rate {learning_rate:g} is below bf16's relative precision (2^-8 ≈ 0.0039), so "
            "most Adam updates round to zero: load the model in float32 (model.dtype) with bf16 autocast"
        )
    return note


def _reference_bytes(file: RecipeFile, values: dict[str, Any], prec: Precision, launch: Launch) -> tuple[float, str]:
    """Bytes per parameter of the frozen reference model on one GPU (0 without one), and a note."""
    trainer, beta = file.recipe.trainer, values.get("beta", 0.0)
    keeps = trainer in ALWAYS_REFERENCE or _nonzero(beta)
    if trainer == "dpo" and values.get("precompute_ref_log_probs"):
        keeps = False
    if not keeps:
        return 0.0, ""
    sharded = launch.zero_stage >= 3
    per_param = (
        0.0
        if (sharded and launch.offload_params)
        else prec.gpu_weight_bytes / (file.recipe.world_size() if sharded else 1)
    )
    why = " (this trainer always keeps one)" if trainer in ALWAYS_REFERENCE else f" (beta {beta})"
    return per_param, f"frozen reference model {'sharded by ZeRO-3' if sharded else 'replicated on every GPU'}{why}"


@dataclass
class _Vllm:
    """vLLM's share of a GPU (colocated) or of the vLLM node (server), with what went wrong."""

    info: dict[str, Any]
    weights: float = 0.0
    kv_cache: float = 0.0
    budget: float = 0.0
    sleep: bool = False
    note: str = ""
    problem: str = ""
    fix: Fix | None = None


def _short_context(part: _Vllm, max_len: int, tokens: int) -> None:
    """A sequence longer than max_model_len is cut: say so (a note, not a failure)."""
    if max_len < tokens:
        part.note += (
            f"; warning: max_model_len {max_len} is shorter than prompt + completion ({tokens} tokens), so long "
            "completions are cut short"
        )


def _vllm_colocate(file: RecipeFile, values: dict[str, Any], arch: Architecture, tokens: int, gpu_gib: float) -> _Vllm:
    utilization = float(values["vllm_gpu_memory_utilization"])
    tp = int(values.get("vllm_tensor_parallel_size") or 1)
    weights = 2.0 * arch.parameters / tp
    budget = utilization * gpu_gib * GIB
    kv = budget - weights
    max_len = int(values.get("vllm_max_model_length") or arch.max_position_embeddings)
    held, sequences = _kv_sequences(arch, kv, tp, min(tokens, max_len))
    sleep = bool(values.get("vllm_enable_sleep_mode"))
    part = _Vllm(
        {
            "mode": "colocate",
            "gpu_memory_utilization": utilization,
            "tensor_parallel_size": tp,
            **_engine_memory(arch, weights, kv, held, max_len, sequences),
        },
        weights,
        max(kv, 0.0),
        budget,
        sleep,
        f"vLLM colocated: {utilization} × {gpu_gib:g} GiB = {_gib(budget)} GiB reserved"
        + (" (released while training: sleep mode)" if sleep else " for the whole run")
        + f"; its KV cache holds {held} tokens = {sequences} sequences of {min(tokens, max_len)}",
    )
    if kv <= 0:
        part.problem = f"vLLM's {_gib(budget)} GiB does not hold its {_gib(weights)} GiB of weights"
        part.fix = Fix(_field(file, "vllm_gpu_memory_utilization"), "raise it, or vllm_tensor_parallel_size")
    elif held < max_len:
        part.problem = (
            f"vLLM's KV cache holds {held} tokens, less than one max_model_len sequence ({max_len}): it will not start"
        )
        if not values.get("vllm_max_model_length") and tokens < max_len:
            hint = f"set vllm_max_model_length: {tokens} (prompt + completion) instead of the model's {max_len}"
            part.fix = Fix(_field(file, "vllm_max_model_length"), hint)
        else:
            part.fix = Fix(_field(file, "vllm_gpu_memory_utilization"), "raise it (vLLM needs more KV cache)")
    _short_context(part, max_len, tokens)
    return part


def _engine_memory(arch: Architecture, weights: float, kv: float, held: int, max_len: int, sequences: int) -> dict:
    """What one vLLM engine holds per GPU: weights and KV cache (GiB), and what the cache fits."""
    return {
        "weights_gib": _gib(weights),
        "kv_cache_gib": _gib(max(kv, 0)),
        "kv_bytes_per_token": arch.kv_bytes_per_token(2),
        "kv_tokens": held,
        "max_model_len": max_len,
        "sequences_fit": sequences,
    }


def _vllm_server(file: RecipeFile, arch: Architecture, tokens: int, gpu_gib: float) -> _Vllm | None:
    """The vLLM node the SLURM script starts (`rl4lrm baseline vllm-serve`: the recipe's launch.vllm_* fields), per
    GPU; None when the recipe starts none."""
    launch = file.recipe.launch
    if not launch.vllm_server:
        return None
    tp, utilization = launch.vllm_tensor_parallel_size, VLLM_SERVE_DEFAULTS["gpu_memory_utilization"]
    weights = 2.0 * arch.parameters / tp
    budget = utilization * gpu_gib * GIB
    kv = budget - weights
    max_len = int(launch.vllm_max_model_len or arch.max_position_embeddings)
    held, sequences = _kv_sequences(arch, kv, tp, min(tokens, max_len))
    gpus = tp * launch.vllm_data_parallel_size
    part = _Vllm(
        {
            "mode": "server",
            "command": "trl vllm-serve (rl4lrm baseline vllm-serve)",
            "gpus": gpus,
            "gpu_memory_utilization": utilization,
            "tensor_parallel_size": tp,
            "data_parallel_size": launch.vllm_data_parallel_size,
            **_engine_memory(arch, weights, kv, held, max_len, sequences),
            "total_per_gpu_gib": _gib(budget),
        },
        weights,
        max(kv, 0.0),
        budget,
        note=f"vLLM node: {gpus} GPUs, tensor parallel {tp}, data parallel {launch.vllm_data_parallel_size}, "
        f"{utilization} of each GPU: {_gib(weights)} GiB weights + {_gib(max(kv, 0))} GiB KV cache = {held} tokens, "
        f"{sequences} sequences of {min(tokens, max_len)} per engine",
    )
    if kv <= 0:
        part.problem = f"the vLLM node's {_gib(budget)} GiB per GPU does not hold {_gib(weights)} GiB of weights"
        part.fix = Fix(("launch", "vllm_tensor_parallel_size"), "split each replica over more GPUs")
    elif held < max_len:
        part.problem = (
            f"the vLLM node's KV cache holds {held} tokens, less than one max_model_len sequence ({max_len}): "
            "vllm-serve will not start"
        )
        hint = f"set launch.vllm_max_model_len: {tokens} (prompt + completion), or a larger vllm_tensor_parallel_size"
        part.fix = Fix(("launch", "vllm_max_model_len"), hint)
    _short_context(part, max_len, tokens)
    return part


def _hf_generation(
    file: RecipeFile, values: dict[str, Any], arch: Architecture, prec: Precision, launch: Launch, tokens: int
) -> tuple[float, str]:
    """Bytes of generating with transformers' generate in the training process (no vLLM), and a note."""
    recipe = file.recipe
    if recipe.trainer in ROLLOUT_TRAINERS:
        rows = int(values["batch_size"]) * int(values.get("num_generations", 1)) // recipe.world_size()
    else:
        steps = int(values.get("steps_per_generation") or values.get("gradient_accumulation_steps") or 1)
        rows = int(values["per_device_train_batch_size"]) * steps
    kv = rows * tokens * arch.kv_bytes_per_token(prec.gpu_weight_bytes)
    copies = 2 if values.get("value_model") == "separate" and recipe.trainer == "ppo" else 1
    gathered = 2.0 * arch.parameters * copies if launch.zero_stage >= 3 else 0.0  # unwrap_model_for_generation
    note = f"generation with transformers' generate: KV cache of {rows} sequences × {tokens} tokens"
    if gathered:
        note += ", every weight gathered by ZeRO-3" + (" (policy and critic)" if copies == 2 else "")
    note += "; it happens between training steps, so the larger of the two phases counts"
    return kv + gathered + rows * arch.vocab_size * LOGIT_BYTES, note


def plan(file: RecipeFile, gpu_memory_gib: float = 80.0, baselines: Path | None = None) -> Plan:
    """The memory plan of one recipe on GPUs of gpu_memory_gib each (see the module docstring for the formulas)."""
    recipe = file.recipe
    baselines = baselines or file.path.resolve().parents[2]
    arch = architecture(file)
    values = trainer_values(file)
    launch = read_launch(file, baselines / "accelerate")
    world = recipe.world_size()
    prec = precision(file, arch, values, launch)
    P = arch.parameters
    notes: list[str] = []
    if recipe.trainer_config().get("use_cpu"):
        notes.append("runs on CPU (use_cpu): the figures are host memory, not GPU memory")

    states = state_bytes(
        prec.weight_bytes, prec.engine_half, launch.zero_stage, world, launch.offload_optimizer, launch.offload_params
    )
    notes.append(_states_note(prec, launch, world, float(values.get("learning_rate") or 0)))
    memory: dict[str, float] = {
        "weights": states.weights * P,
        "gradients": states.gradients * P,
        "optimizer_states": states.optimizer * P,
        "master_weights": states.master * P,
    }
    reference, note = _reference_bytes(file, values, prec, launch)
    memory["reference_model"] = reference * P
    notes += [note] if note else []

    prompt = int(values.get("max_prompt_length") or PROMPT_TOKENS)
    batch, tokens, completion = _geometry(recipe.trainer, values, world, prompt, recipe.preferences)
    notes.append(
        f"prompt length assumed {prompt} tokens: sequences of {tokens} tokens ({completion} scored), "
        f"{batch} per micro-step per GPU"
    )
    checkpointing = bool(values.get("gradient_checkpointing"))
    act_with = activation_bytes(tokens, batch, arch, True, prec.compute_bytes)
    act_without = activation_bytes(tokens, batch, arch, False, prec.compute_bytes)
    activations = act_with if checkpointing else act_without
    scores = arch.layers * (
        layer_activation_bytes(tokens, batch, arch, True, dtype_bytes=prec.compute_bytes)
        - layer_activation_bytes(tokens, batch, arch, dtype_bytes=prec.compute_bytes)
    )
    notes.append(
        f"activations: SDPA/flash attention stores no attention scores (eager attention would add {_gib(scores)} GiB "
        "over all layers without checkpointing)"
    )
    logits, how = _logits(recipe.trainer, arch, batch, tokens, completion)
    notes.append(f"logits (fp32): {how}")

    # PPO's critic: a value head, or a whole second trunk trained alongside the policy
    critic_states = critic_step = 0.0
    value_model = values.get("value_model") if recipe.trainer == "ppo" else None
    if value_model == "separate":
        trunk = P - (0 if arch.tie_word_embeddings else arch.embedding_parameters())  # the trunk, no LM head
        critic_states = states.total * trunk
        critic_step = activations
        notes.append(
            "critic: a separate copy of the policy's trunk (value_model: separate, no LM head) with its own weights, "
            "gradients, Adam states and activations"
        )
    elif value_model == "head":
        critic_states = states.total * (arch.hidden_size + 1)
        notes.append("critic: a value head on the policy trunk (hidden_size + 1 parameters)")
    memory["critic"] = critic_states + critic_step

    gathered = 2.0 * (arch.embedding_parameters() + 2 * arch.layer_parameters()) if launch.zero_stage >= 3 else 0.0
    if gathered:
        notes.append("ZeRO-3 working set: the embedding matrix and two layers gathered in bf16 at a time")
    autocast_copies = 2.0 * P if (prec.weight_bytes == 4 and prec.half and not launch.deepspeed) else 0.0
    if autocast_copies:
        notes.append("autocast keeps a bf16 cast of every fp32 weight during the step (2 bytes/parameter)")
    memory |= {"zero3_gathered": gathered, "autocast_copies": autocast_copies}
    memory |= {"activations": activations, "logits": logits}

    # generation: vLLM colocated or on its own node, or transformers' generate in this process
    part: _Vllm | None = None
    generation = 0.0
    rollout = recipe.trainer in ROLLOUT_TRAINERS
    if values.get("use_vllm") and not rollout and values.get("vllm_mode", "colocate") == "colocate":
        part = _vllm_colocate(file, values, arch, tokens, gpu_memory_gib)
        memory |= {"vllm_weights": part.weights, "vllm_kv_cache": part.kv_cache}
    elif values.get("use_vllm") and not rollout:
        notes.append("vLLM runs on its own node (server mode): no vLLM memory on the training GPUs")
        part = _vllm_server(file, arch, tokens, gpu_memory_gib)
    elif recipe.trainer != "dpo":  # DPO builds its pairs before training starts
        generation, note = _hf_generation(file, values, arch, prec, launch, tokens)
        notes.append(note)
    if part is not None:
        notes.append(part.note)
    colocated = part is not None and part.info["mode"] == "colocate"
    vllm_persistent = part.budget if colocated and not part.sleep else 0.0
    memory["generation"] = generation + (part.budget if colocated and part.sleep else 0.0)
    memory["cuda_overhead"] = CUDA_OVERHEAD_GIB * GIB

    persistent = sum(memory[k] for k in ("weights", "gradients", "optimizer_states", "master_weights"))
    persistent += memory["reference_model"] + critic_states + vllm_persistent + memory["cuda_overhead"]
    training = activations + logits + gathered + autocast_copies + critic_step
    total = persistent + max(training, memory["generation"])
    memory["total"] = total
    peak = "training step" if training >= memory["generation"] else "generation"
    limit = (1 - SAFETY_MARGIN) * gpu_memory_gib * GIB
    notes.append(
        f"total = model states, reference, critic{', vLLM' if vllm_persistent else ''} and {CUDA_OVERHEAD_GIB} GiB "
        f"of CUDA/NCCL overhead + the larger of the training step and generation (here: {peak}); it fits when "
        f"at most {1 - SAFETY_MARGIN:.0%} of {gpu_memory_gib:g} GiB"
    )

    problems = [part.problem] if part is not None and part.problem else []
    fix = part.fix if part is not None else None
    if total > limit:
        margin = f"{1 - SAFETY_MARGIN:.0%} of {gpu_memory_gib:g}"
        problems.insert(0, f"{_gib(total)} GiB per GPU is more than {_gib(limit)} GiB ({margin})")
        fix = fix or _training_fix(file, values, checkpointing, act_without, training, memory["generation"], batch)
    reason = (
        "; ".join(problems)
        if problems
        else f"{_gib(total)} of {gpu_memory_gib:g} GiB per GPU, under the {_gib(limit)} GiB limit "
        f"({SAFETY_MARGIN:.0%} margin); peak: {peak}"
    )
    batches = recipe.batches()
    per_generation = 2 if recipe.trainer == "online-dpo" else max(int(values.get("num_generations") or 1), 1)
    return Plan(
        recipe=file.name,
        algorithm=recipe.algorithm,
        preset=recipe.preset,
        trainer=recipe.trainer,
        model=recipe.model.name,
        parameters=P,
        gpus=world,
        gpu_memory_gib=gpu_memory_gib,
        accelerate_config=launch.config,
        zero_stage=launch.zero_stage,
        prompt_tokens=prompt,
        completion_tokens=completion,
        sequence_tokens=tokens,
        sequences_per_micro_batch=batch,
        prompts_per_rollout=None if batches.per_rollout is None else batches.per_rollout // per_generation,
        completions_per_rollout=batches.per_rollout,
        completions_per_optimizer_step=batches.per_optimizer_step,
        optimizer_steps_per_rollout=batches.optimizer_steps_per_rollout,
        fp32_master_weights=prec.fp32_master,
        gradient_checkpointing=checkpointing,
        activations_gib={"with_checkpointing": _gib(act_with), "without_checkpointing": _gib(act_without)},
        memory_per_gpu_gib={key: _gib(value) for key, value in memory.items()},
        peak_phase=peak,
        vllm=part.info if part is not None else None,
        fits=not problems,
        reason=reason,
        notes=notes,
        fix=fix,
    )


def _training_fix(
    file: RecipeFile,
    values: dict[str, Any],
    checkpointing: bool,
    act_without: float,
    training: float,
    generating: float,
    batch: int,
) -> Fix:
    """The first memory field to change when the total is too large."""
    trainer = file.recipe.trainer
    if generating > training and trainer in ROLLOUT_TRAINERS:
        return Fix(_field(file, "batch_size"), "fewer prompts per rollout shrink the generation KV cache")
    if not checkpointing and act_without > training / 2:
        return Fix(_field(file, "gradient_checkpointing"), "set it to true")
    if trainer in ROLLOUT_TRAINERS:
        half = max(batch // 2, 1)
        return Fix(_field(file, "micro_batch_size"), f"lower it to {half} (the optimizer step stays the same)")
    per_device = int(values["per_device_train_batch_size"])
    accumulation = int(values.get("gradient_accumulation_steps") or 1)
    if per_device > 1:
        return Fix(
            _field(file, "per_device_train_batch_size"),
            f"halve it to {per_device // 2} and double gradient_accumulation_steps to {2 * accumulation} "
            "(global_batch_size stays the same)",
        )
    return Fix(_field(file, "vllm_gpu_memory_utilization"), "lower it, or use more GPUs")


def plan_problems(file: RecipeFile, gpu_memory_gib: float = 80.0, baselines: Path | None = None) -> list[Problem]:
    """A plan-does-not-fit problem naming the field to change, or none (GPU presets only)."""
    if file.recipe.preset == "cpu-smoke":  # gpu-smoke is planned too: a tiny model, but on a real GPU
        return []
    result = plan(file, gpu_memory_gib, baselines)
    if result.fits:
        return []
    fix = result.fix or Fix(("config",), "lower the per-GPU batch")
    return [file.problem(fix.field, "plan-does-not-fit", f"memory plan: {result.reason}", fix.hint)]


def render_text(result: Plan) -> str:
    """A readable table of one plan."""
    lines = [
        f"{result.algorithm} {result.preset}: {result.model} ({result.parameters / 1e9:.2f}B parameters), "
        f"{result.trainer} trainer, {result.gpus} GPU(s) of {result.gpu_memory_gib:g} GiB"
        + (f", {result.accelerate_config} (ZeRO-{result.zero_stage})" if result.zero_stage else ""),
        "",
        f"{'completions per rollout':<34} {result.completions_per_rollout}",
        f"{'prompts per rollout':<34} {result.prompts_per_rollout}",
        f"{'completions per optimizer step':<34} {result.completions_per_optimizer_step}",
        f"{'optimizer steps per rollout':<34} {result.optimizer_steps_per_rollout}",
        f"{'fp32 master weights':<34} {'yes' if result.fp32_master_weights else 'no'}",
        f"{'gradient checkpointing':<34} {'yes' if result.gradient_checkpointing else 'no'}",
        f"{'sequences per micro-step per GPU':<34} {result.sequences_per_micro_batch} × {result.sequence_tokens} "
        "tokens",
        "",
        f"{'memory per GPU':<34} {'GiB':>8}",
    ]
    for key, value in result.memory_per_gpu_gib.items():
        if key == "total":
            lines.append(f"{'':<34} {'--------':>8}")
        lines.append(f"{key.replace('_', ' '):<34} {value:>8.2f}")
    act = result.activations_gib
    lines += [
        "",
        f"activations with / without checkpointing: {act['with_checkpointing']:.2f} / "
        f"{act['without_checkpointing']:.2f} GiB (counted: {'with' if result.gradient_checkpointing else 'without'})",
    ]
    if result.vllm:
        shown = ", ".join(f"{k} {v}" for k, v in result.vllm.items() if k not in ("mode",))
        lines.append(f"vLLM ({result.vllm['mode']}): {shown}")
    lines += ["", f"fits: {'yes' if result.fits else 'NO'} ({result.reason})"]
    if result.fix:
        lines.append(f"change first: {'.'.join(str(p) for p in result.fix.field)}: {result.fix.hint}")
    lines += ["", "notes:", *(f"- {note}" for note in result.notes)]
    return "\n".join(lines)
