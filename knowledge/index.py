"""The hybrid index: BM25 over Dutch stems and dense e5 vectors, built, saved and loaded as one folder."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import bm25s  # type: ignore[import-untyped]
import numpy as np

from knowledge.chunk import chunk_corpus, split_sentences
from knowledge.embedding import Embedder
from knowledge.lexical import tokens, vocabulary_of
from knowledge.store import chunks_from_json, chunks_to_json, corpus_from_json, corpus_to_json, read_json, write_json
from knowledge.types import Chunk, Corpus

FORMAT_VERSION = 2
Progress = Callable[[Sequence[str]], Sequence[str]]
MANIFEST = "manifest.json"
REBUILD_HINT = "python -m knowledge build"
# The modules whose source decides what the index contains: a change to any of them makes an index stale.
CODE_MODULES = ("parse", "tables", "numbers", "paragraphs", "chunk", "index", "lexical", "ingest", "render",
                "store", "types", "embedding")
CORPUS_PATTERNS = ("*.txt", "*.meta.json")


class IndexDamaged(Exception):
    """A stored index cannot be trusted: a file is missing, unreadable or does not match its checksum."""

    def __init__(self, file: Path, reason: str) -> None:
        super().__init__(f"De index is beschadigd: {file} {reason}. De kennisservice start niet met deze index; "
                         f"bouw hem opnieuw met `{REBUILD_HINT}`.")
        self.file = file
        self.reason = reason


@dataclass(frozen=True)
class Sentence:
    """A sentence of a prose chunk, the unit answers are extracted from."""

    chunk: int
    text: str


class Index(Protocol):
    """What understanding and answering need of an index: the corpus, its chunks and sentences, and a score per chunk
    (BM25 and dense). MemoryIndex holds it all in this process; a search engine (OpenSearch with its Dutch analyzer
    and k-NN, or PostgreSQL full-text search in its 'dutch' configuration plus pgvector) can implement the same four
    methods without touching understanding or answering."""

    corpus: Corpus
    chunks: list[Chunk]
    sentences: list[Sentence]
    vocabulary: frozenset[str]
    model: str

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (0 for chunks without a query term)."""
        ...

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of every chunk to a (normalised) query vector."""
        ...

    def sentence_similarity(self, sentence: int, vector: np.ndarray) -> float:
        """Cosine similarity of one sentence to a query vector."""
        ...

    def knows(self, term: str) -> bool:
        """The lexical index holds the (stemmed) term."""
        ...


@dataclass
class MemoryIndex:
    """Everything retrieval needs, in memory: the Index of one machine."""

    corpus: Corpus
    chunks: list[Chunk]
    bm25: bm25s.BM25
    vocabulary: frozenset[str]
    vectors: np.ndarray
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    model: str

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query."""
        known = [t for t in tokens(query, self.vocabulary) if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.chunks), np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of every chunk (vectors are normalised)."""
        result: np.ndarray = self.vectors @ vector
        return result

    def sentence_similarity(self, sentence: int, vector: np.ndarray) -> float:
        """Cosine similarity of one sentence."""
        return float(self.sentence_vectors[sentence] @ vector)

    def knows(self, term: str) -> bool:
        """The BM25 vocabulary holds the term."""
        return term in self.bm25.vocab_dict


def passage_text(chunk: Chunk) -> str:
    """What is indexed for a chunk: the last parts of its heading path, then its text."""
    context = " > ".join(chunk.path[-2:])
    return f"{context}: {chunk.text}" if chunk.kind != "heading" else " > ".join(chunk.path)


def chunk_sentences(chunks: list[Chunk]) -> list[Sentence]:
    """Sentences of prose chunks, for extractive answers."""
    return [Sentence(i, s) for i, c in enumerate(chunks) if c.kind == "text" for s in split_sentences(c.text)]


def _bm25(texts: list[str], vocabulary: frozenset[str]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index([tokens(t, vocabulary) or ["_"] for t in texts], show_progress=False)
    return retriever


def _embed(embedder: Embedder, texts: list[str], progress: Callable[[int], None] | None, batch: int = 32) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.embed_passages(texts[start : start + batch]))
        if progress:
            progress(min(batch, len(texts) - start))
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, embedder.dim), np.float32)


def text_key(text: str) -> str:
    """The key of an embedded text in a VectorCache."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def vector_key(model: str) -> str:
    """What a stored vector depends on besides its text: the model and the embedding code (prefixes, pooling)."""
    embedding = Path(__file__).resolve().parent / "embedding.py"
    return hashlib.sha256(f"format {FORMAT_VERSION} model {model} code {_sha256(embedding)}".encode()).hexdigest()


@dataclass
class VectorCache:
    """Passage vectors by text (sha1), for one model: a rebuild embeds only the texts it has not seen.

    Filled from the previous index (its chunk and sentence texts with their vectors), so the vectors of unchanged
    documents are reused and chunk ids and order still come from re-chunking the whole corpus."""

    model: str
    vectors: dict[str, np.ndarray]
    hits: int = 0  # texts whose vector was already stored
    misses: int = 0  # distinct texts that had to be embedded

    @property
    def dim(self) -> int | None:
        return next((len(v) for v in self.vectors.values()), None)


def _texts(chunks: list[Chunk], sentences: list[Sentence]) -> tuple[list[str], list[str]]:
    """What is embedded: one passage text per chunk and one per prose sentence."""
    return ([passage_text(c) for c in chunks],
            [f"{' > '.join(chunks[s.chunk].path[-1:])}: {s.text}" for s in sentences])


def missing_texts(corpus: Corpus, cache: VectorCache | None) -> list[str]:
    """The distinct texts of a corpus that the cache does not hold, in corpus order: what a build must embed."""
    chunks = chunk_corpus(corpus)
    texts, sentence_texts = _texts(chunks, chunk_sentences(chunks))
    known = cache.vectors if cache is not None else {}
    seen: set[str] = set()
    out: list[str] = []
    for text in (*texts, *sentence_texts):
        key = text_key(text)
        if key not in known and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def _cached_embed(embedder: Embedder | Callable[[], Embedder], texts: list[str], sentence_texts: list[str],
                  cache: VectorCache, progress: Callable[[int], None] | None,
                  on_total: Callable[[int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of texts and sentence_texts: from the cache, embedding only (distinct) misses, which join it."""
    keys = [text_key(t) for t in texts]
    sentence_keys = [text_key(t) for t in sentence_texts]
    everything = list(zip((*keys, *sentence_keys), (*texts, *sentence_texts)))

    def todo() -> dict[str, str]:
        return {k: t for k, t in everything if k not in cache.vectors}

    missing = todo()
    dim = cache.dim or (embedder.dim if isinstance(embedder, Embedder) else 0)
    if missing:
        model = embedder if isinstance(embedder, Embedder) else embedder()
        if cache.dim is not None and cache.dim != model.dim:
            cache.vectors.clear()  # another embedder under the same name: nothing stored can be reused
            missing = todo()
        dim = model.dim
    cache.hits += len(everything) - sum(1 for k, _ in everything if k in missing)
    cache.misses += len(missing)
    if on_total:
        on_total(len(missing))
    if missing:
        cache.vectors.update(zip(missing.keys(), _embed(model, list(missing.values()), progress)))

    def stack(keys_: list[str]) -> np.ndarray:
        if not keys_:
            return np.zeros((0, dim), np.float32)
        return np.stack([cache.vectors[k] for k in keys_]).astype(np.float32, copy=False)

    return stack(keys), stack(sentence_keys)


def build_index(corpus: Corpus, embedder: Embedder | Callable[[], Embedder], model: str,
                progress: Callable[[int], None] | None = None, cache: VectorCache | None = None,
                on_total: Callable[[int], None] | None = None) -> MemoryIndex:
    """Chunk a corpus and index its chunks lexically and densely.

    With a cache, only texts it does not hold are embedded (and added to it); embedder may then be a function
    that loads the model, called only when something must be embedded. on_total hears how many texts will be
    embedded (for a progress bar) before the first is."""
    chunks = chunk_corpus(corpus)
    vocabulary = vocabulary_of(s.text for s in corpus.sections)
    sentences = chunk_sentences(chunks)
    texts, sentence_texts = _texts(chunks, sentences)
    vectors, sentence_vectors = _cached_embed(embedder, texts, sentence_texts, cache or VectorCache(model, {}),
                                              progress, on_total)
    return MemoryIndex(corpus, chunks, _bm25(texts, vocabulary), vocabulary, vectors, sentences, sentence_vectors,
                       model)


def units_to_embed(corpus: Corpus, cache: VectorCache | None = None) -> int:
    """How many texts build_index will embed, for a progress bar."""
    return len(missing_texts(corpus, cache))


def load_vector_cache(path: Path, model: str) -> tuple[VectorCache, str | None]:
    """A VectorCache filled from the index at path when it was built with the same model and embedding code;
    otherwise an empty one. The second value says (Dutch) why nothing could be reused, or None.

    The old index is checked against its checksums first: vectors of a damaged index are never reused."""
    empty = VectorCache(model, {})
    if not index_exists(path):
        return empty, "er is nog geen index"
    try:
        manifest = verify_index(path)
    except IndexDamaged as exc:
        return empty, f"de bestaande index is beschadigd ({exc.file.name})"
    if manifest.get("vector_key") != vector_key(model):
        return empty, "de bestaande index is met een ander model of andere inbeddingscode gebouwd"
    try:
        chunks = chunks_from_json(read_json(path / "chunks.json"))
        sentences = [Sentence(int(i), str(t)) for i, t in read_json(path / "sentences.json")]
        vectors = np.load(path / "vectors.npy", allow_pickle=False)
        sentence_vectors = np.load(path / "sentence_vectors.npy", allow_pickle=False)
    except Exception as exc:  # unreadable despite its checksum: start from nothing rather than fail the build
        return empty, f"de bestaande index kan niet gelezen worden ({type(exc).__name__})"
    if len(vectors) != len(chunks) or len(sentence_vectors) != len(sentences):
        return empty, "de vectoren van de bestaande index passen niet bij de stukken"
    texts, sentence_texts = _texts(chunks, sentences)
    stored = dict(zip(map(text_key, texts), vectors))
    stored.update(zip(map(text_key, sentence_texts), sentence_vectors))
    return VectorCache(model, stored), None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(files: Sequence[tuple[str, Path]]) -> str:
    """One sha256 over the names and contents of files."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode("utf-8") + b"\0" + _sha256(path).encode("ascii") + b"\n")
    return digest.hexdigest()


def code_fingerprint() -> str:
    """A hash of the source of the modules that parse, chunk and index the corpus (and of the index format)."""
    package = Path(__file__).resolve().parent
    digest = _fingerprint([(f"{m}.py", package / f"{m}.py") for m in CODE_MODULES])
    return hashlib.sha256(f"format {FORMAT_VERSION} {digest}".encode()).hexdigest()


def document_hashes(files: Sequence[Path]) -> dict[str, str]:
    """A sha256 per budget file (by document id, the file's stem) over its text and its sidecar, if any."""
    out: dict[str, str] = {}
    for path in files:
        digest = hashlib.sha256(_sha256(path).encode("ascii"))
        sidecar = path.with_name(f"{path.stem}.meta.json")
        if sidecar.is_file():
            digest.update(b"\0meta " + _sha256(sidecar).encode("ascii"))
        out[path.stem] = digest.hexdigest()
    return out


def corpus_fingerprint(data_dir: Path) -> str | None:
    """A hash of the contents of every budget text and metadata file in data_dir; None when there are none."""
    if not data_dir.is_dir():
        return None
    files = sorted({p for pattern in CORPUS_PATTERNS for p in data_dir.glob(pattern) if p.is_file()})
    return _fingerprint([(p.name, p) for p in files]) if files else None


def _index_files(folder: Path) -> list[str]:
    """Every file of a saved index except the manifest, as sorted relative POSIX paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


@contextmanager
def index_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for building target (several workers may start at once)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f".{target.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_index(index: MemoryIndex, target: Path, corpus_hash: str | None = None,
               documents: dict[str, str] | None = None) -> None:
    """Write the index to a temporary folder next to target, then swap it in; the old index survives failures.

    The manifest records a sha256 of every file (checked by load_index), the hash of the corpus it was built
    from, the hash of the code that built it and the model, so a stale index can be recognised; documents is the
    content hash of each document (text and sidecar), so the next build can say what changed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        write_json(tmp / "corpus.json", corpus_to_json(index.corpus))
        write_json(tmp / "chunks.json", chunks_to_json(index.chunks))
        write_json(tmp / "sentences.json", [[s.chunk, s.text] for s in index.sentences])
        np.save(tmp / "vectors.npy", index.vectors)
        np.save(tmp / "sentence_vectors.npy", index.sentence_vectors)
        index.bm25.save(str(tmp / "bm25"), show_progress=False)
        write_json(tmp / MANIFEST, {
            "format": FORMAT_VERSION,
            "model": index.model,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "documents": [d.id for d in index.corpus.documents],
            "chunks": len(index.chunks),
            "corpus_hash": corpus_hash,
            "document_hashes": documents or {},
            "code_hash": code_fingerprint(),
            "vector_key": vector_key(index.model),
            "files": {name: _sha256(tmp / name) for name in _index_files(tmp)},
        })
        old = target.parent / f".{target.name}-old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def index_exists(path: Path) -> bool:
    """True when a complete index is stored at path."""
    return (path / MANIFEST).is_file()


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the index at path; IndexDamaged when it is missing or not a JSON object."""
    file = path / MANIFEST
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexDamaged(file, "ontbreekt") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexDamaged(file, f"is geen leesbare JSON ({type(exc).__name__})") from exc
    if not isinstance(manifest, dict):
        raise IndexDamaged(file, "is geen JSON-object")
    return manifest


def _same_model(built: str, wanted: str) -> bool:
    """One model, also when one setting names its folder relative and the other absolute."""
    if built == wanted:
        return True
    a, b = Path(built), Path(wanted)
    return a.is_dir() and b.is_dir() and a.resolve() == b.resolve()


def stale_reason(path: Path, model: str, corpus_hash: str | None) -> str | None:
    """Why the index at path must be rebuilt (Dutch), or None when it is current.

    No index, another format, another model, changed index-building code or a changed corpus make an index
    stale; a damaged manifest raises IndexDamaged (a damaged index is never rebuilt silently). corpus_hash None
    means the corpus cannot be read here, so it is not compared."""
    if not index_exists(path):
        if path.is_dir() and any(path.iterdir()):
            raise IndexDamaged(path / MANIFEST, "ontbreekt")
        return "er is nog geen index"
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT_VERSION:
        return f"de index heeft formaat {manifest.get('format')}, deze versie gebruikt formaat {FORMAT_VERSION}"
    if not _same_model(str(manifest.get("model")), model):
        return f"de index is gebouwd met model {manifest.get('model')!r}, ingesteld is {model!r}"
    if manifest.get("code_hash") != code_fingerprint():
        return "de code die de index bouwt is veranderd"
    if corpus_hash is not None and manifest.get("corpus_hash") != corpus_hash:
        return "de documenten in de datamap zijn veranderd"
    return None


def verify_index(path: Path) -> dict[str, Any]:
    """Check every file of the index at path against the checksums in its manifest; return the manifest."""
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexDamaged(path / MANIFEST, f"heeft formaat {manifest.get('format')} in plaats van {FORMAT_VERSION}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexDamaged(path / MANIFEST, "bevat geen controlegetallen")
    for name, expected in sorted(files.items()):
        file = path / name
        if not file.is_file():
            raise IndexDamaged(file, "ontbreekt")
        if _sha256(file) != expected:
            raise IndexDamaged(file, "klopt niet met het controlegetal in manifest.json (veranderd of beschadigd)")
    return manifest


def _load(file: Path, reader: Callable[[Path], Any]) -> Any:
    try:
        return reader(file)
    except Exception as exc:  # any reader fault of a file that passed its checksum is still damage
        raise IndexDamaged(file, f"kan niet gelezen worden ({type(exc).__name__}: {exc})") from exc


def load_index(path: Path) -> MemoryIndex:
    """Load an index saved by save_index, after checking every file's checksum; IndexDamaged otherwise."""
    manifest = verify_index(path)
    corpus = _load(path / "corpus.json", lambda f: corpus_from_json(read_json(f)))
    chunks = _load(path / "chunks.json", lambda f: chunks_from_json(read_json(f)))
    sentences = _load(path / "sentences.json", lambda f: [Sentence(int(i), str(t)) for i, t in read_json(f)])
    bm25 = _load(path / "bm25", lambda f: bm25s.BM25.load(str(f), show_progress=False, verbosity=0))
    vectors = _load(path / "vectors.npy", lambda f: np.load(f, allow_pickle=False))
    sentence_vectors = _load(path / "sentence_vectors.npy", lambda f: np.load(f, allow_pickle=False))
    if vectors.ndim != 2 or vectors.shape[0] != len(chunks):
        raise IndexDamaged(path / "vectors.npy", f"heeft vorm {vectors.shape}, verwacht {len(chunks)} rijen")
    if sentence_vectors.ndim != 2 or sentence_vectors.shape[0] != len(sentences):
        raise IndexDamaged(path / "sentence_vectors.npy",
                           f"heeft vorm {sentence_vectors.shape}, verwacht {len(sentences)} rijen")
    return MemoryIndex(corpus, chunks, bm25, vocabulary_of(s.text for s in corpus.sections), vectors, sentences,
                 sentence_vectors, str(manifest.get("model", "")))
