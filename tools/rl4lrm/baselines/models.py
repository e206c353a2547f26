"""Policy models for the recipes: a tiny character-level Llama built locally, or a hub/local checkpoint.

The tiny model needs nothing from the network: its tokenizer is a WordLevel vocabulary over printable ASCII,
split one character at a time, so spaces and digits survive a round trip exactly. A Llama config is used on
purpose: with a Qwen2 config, ``AutoTokenizer`` swaps in Qwen's byte-level pre-tokenizer and drops spaces.
"""

from __future__ import annotations

from typing import Any

from ..kb.problems import DataError, Problem

TINY = "tiny-char-llama"
SPECIALS = ("<pad>", "<eos>", "<unk>")
# Enough for the toy tasks (copy, arithmetic, countdown); a small vocabulary keeps random policies learnable.
ALPHABET = "0123456789+-*/()=:, "


def char_tokenizer(alphabet: str = ALPHABET) -> Any:
    """A PreTrainedTokenizerFast with one token per character of alphabet plus <pad>, <eos>, <unk>."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate((*SPECIALS, *dict.fromkeys(alphabet)))}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    core.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>", padding_side="left"
    )


def tiny_llama(tokenizer: Any, hidden_size: int = 64, layers: int = 2, heads: int = 4, seed: int = 0) -> Any:
    """A freshly initialised LlamaForCausalLM sized for CPU tests (hidden 64, 2 layers: about 84K parameters)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.bos_token_id = None
    return model


def load_policy(name: str, dtype: str = "auto", tiny: dict[str, int] | None = None, seed: int = 0) -> tuple[Any, Any]:
    """(model, tokenizer) for a recipe's model: the built-in tiny model, a local folder or a hub id.

    Hub ids resolve through the Hugging Face cache (HF_HUB_OFFLINE=1 keeps that offline); a model that cannot be
    loaded is a DataError. A tokenizer without a pad token gets its eos token as pad; padding is on the left.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if name == TINY:
        tokenizer = char_tokenizer()
        return tiny_llama(tokenizer, seed=seed, **(tiny or {})), tokenizer
    kwargs: dict[str, Any] = {}
    if dtype != "auto":
        import torch

        kwargs["dtype"] = getattr(torch, dtype)
    else:
        kwargs["dtype"] = "auto"
    try:
        tokenizer = AutoTokenizer.from_pretrained(name, padding_side="left")
        model = AutoModelForCausalLM.from_pretrained(name, **kwargs)
    except OSError as exc:  # not a folder, not in the Hugging Face cache, or no network
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            [
                Problem(
                    "recipe",
                    0,
                    "model.name",
                    "model-unavailable",
                    f"cannot load '{name}': {first}",
                    "download it first (huggingface-cli download) or point model.name at a folder",
                )
            ]
        ) from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model, tokenizer
