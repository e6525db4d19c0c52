"""Synthetic indexes of any size, injected through the store's own code, so everything but the model runs at full size.

    python bench/synthetic.py SOURCE_INDEX TARGET_INDEX PASSAGES

SOURCE_INDEX is a real index (of seeds/ and bench/squad5/articles). Its passages give the
vocabulary: real words in their order of frequency, spread among made-up words (ten
articles' topic words are not among the commonest words of a whole archive), drawn with
Zipf's law so FTS5 postings look like those of real text. Its stored vectors give the vectors:
each synthetic passage is a mix of two real vectors plus noise, each of its sentences the
passage's vector plus noise, all normalised. Articles go in through Store.put_embeddings
and Store.commit_update, the calls the indexer makes, in large batches; the encoder files
and the manifest's model fields are copied, so `qa ask` and `qa index` run on the result.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import onnx_encoder, vector_format  # noqa: E402
from qa.backends.local import vector_index  # noqa: E402
from qa.backends.local.store import Store  # noqa: E402
from qa.chunking import Passage  # noqa: E402
from qa.manifest import Manifest  # noqa: E402
from qa.records import VECTOR_KEY_BYTES, NewArticle, NewPassage, NewSentence  # noqa: E402

PASSAGES_PER_ARTICLE = 10
SENTENCES_PER_PASSAGE = 2
SENTENCE_WORDS = (10, 32)  # words in a sentence, drawn uniformly
VOCABULARY = 200_000  # word types: the source's words and made-up ones
SPREAD = 10  # the source's word of frequency rank r takes rank SPREAD * r in the archive
MIX = 0.5  # weight of the second real vector in a passage's vector
PASSAGE_NOISE = 0.035  # standard deviation per dimension, before normalising
SENTENCE_NOISE = 0.025
ARTICLES_PER_COMMIT = 2_000
FIRST_DAY = date(2015, 1, 1)  # articles' dates: every day of ten years from here, as many articles each
DAYS = 3652
STRIDE = 7919  # article n is dated FIRST_DAY + (n * STRIDE) % DAYS days: consecutive articles far apart in time
MARKER = "synthetic.json"  # written last: the index is whole
BUILDER = 2  # changes when what build() leaves changes, so a cached index made before is built again
ENCODER_FILES = (onnx_encoder.ONNX_FILE, onnx_encoder.WEIGHTS_FILE, onnx_encoder.TOKENIZER_FILE, "encoder.json")
MODEL_FIELDS = (
    "onnx_sha256",
    "passage_encoder",
    "model_name",
    "model_path",
    "model_sha256",
    "dimension",
    "chunker_version",
)


def vocabulary(source: Store, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(words, probabilities): the source's words by frequency spread among made-up ones, with Zipf probabilities."""
    counts = Counter(
        word
        for (text,) in source.connection.execute("SELECT text FROM passages")
        for word in re.findall(r"[^\W\d_]+", text.lower())
    )
    words = [word for word, _ in counts.most_common()]
    stems = np.array([word[:4] for word in words if len(word) > 3])
    made_up = {
        f"{a}{b}" for a, b in zip(rng.choice(stems, 3 * VOCABULARY), rng.choice(stems, 3 * VOCABULARY), strict=True)
    }
    made_up = iter(rng.permutation(sorted(made_up - set(words))))
    spread = []
    for word in words:
        spread += [word] + [next(made_up) for _ in range(SPREAD - 1)]
    words = (spread + list(made_up))[:VOCABULARY]
    ranks = np.arange(1, len(words) + 1)
    probabilities = 1.0 / (ranks + 2.7)
    return np.array(words, dtype=object), probabilities / probabilities.sum()


def normalised(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype("<f4")


class Generator:
    """Draws synthetic articles: text from the vocabulary, vectors around the source's real vectors."""

    def __init__(self, source: Store, seed: int = 8):
        self.rng = np.random.default_rng(seed)
        self.words, self.probabilities = vocabulary(source, self.rng)
        rows = source.connection.execute("SELECT vector FROM embeddings").fetchall()  # passages' and sentences'
        self.real = vector_format.decode([row[0] for row in rows], source.dimension())
        self.serial = 0

    def _key(self) -> bytes:
        self.serial += 1
        return self.serial.to_bytes(VECTOR_KEY_BYTES, "big")

    def articles(self, count: int, first: int) -> tuple[list[NewArticle], list[bytes], np.ndarray]:
        """count articles numbered from first, the keys of their vectors and the vectors."""
        passages = count * PASSAGES_PER_ARTICLE
        sentences = passages * SENTENCES_PER_PASSAGE
        lengths = self.rng.integers(*SENTENCE_WORDS, size=sentences + count)
        drawn = self.words[self.rng.choice(len(self.words), size=int(lengths.sum()), p=self.probabilities)]
        cuts = np.cumsum(lengths)[:-1]
        texts = [" ".join(part) for part in np.split(drawn, cuts)]
        texts = [text[0].upper() + text[1:] + "." for text in texts]
        dimension = self.real.shape[1]
        a, b = (self.real[self.rng.integers(len(self.real), size=passages)] for _ in range(2))
        passage_vectors = normalised(a + MIX * b + self.rng.normal(0, PASSAGE_NOISE, (passages, dimension)))
        sentence_vectors = normalised(
            np.repeat(passage_vectors, SENTENCES_PER_PASSAGE, axis=0)
            + self.rng.normal(0, SENTENCE_NOISE, (sentences, dimension))
        )
        keys, vectors, articles = [], [], []
        for number in range(count):
            title = texts[sentences + number].rstrip(".")
            source_text = title
            new_passages = []
            for ordinal in range(PASSAGES_PER_ARTICLE):
                p = number * PASSAGES_PER_ARTICLE + ordinal
                start = len(source_text) + 2
                sentence_spans, new_sentences = [], []
                begin = start
                for s in range(p * SENTENCES_PER_PASSAGE, (p + 1) * SENTENCES_PER_PASSAGE):
                    sentence_spans.append((begin, begin + len(texts[s])))
                    new_sentences.append(NewSentence(begin, begin + len(texts[s]), texts[s], self._key()))
                    keys.append(new_sentences[-1].embedding_key)
                    vectors.append(sentence_vectors[s])
                    begin += len(texts[s]) + 1
                text = " ".join(texts[p * SENTENCES_PER_PASSAGE : (p + 1) * SENTENCES_PER_PASSAGE])
                source_text += "\n\n" + text
                line = 2 * ordinal + 3
                chunk = Passage(
                    ordinal, start, start + len(text), ordinal + 1, ordinal + 1, line, line, tuple(sentence_spans), text
                )
                new_passages.append(NewPassage(chunk, self._key(), tuple(new_sentences)))
                keys.append(new_passages[-1].embedding_key)
                vectors.append(passage_vectors[p])
            path = f"/synthetic/{(first + number) // 1000:04}/{first + number:07}.txt"
            metadata = {"format": "text", "date": article_date(first + number)}
            articles.append(NewArticle(path, f"{first + number:064x}", title, metadata, new_passages))
        return articles, keys, np.vstack(vectors)


def article_date(number: int) -> str:
    """The date of synthetic article `number`, ISO."""
    return (FIRST_DAY + timedelta(days=number * STRIDE % DAYS)).isoformat()


def set_dates(store: Store) -> int:
    """Date the synthetic articles of an index built before they had dates, as article_date does, in one UPDATE
    (a bench-only step that spares a rebuild); return how many were dated."""
    day = f"(CAST(substr(path, -11, 7) AS INTEGER) * {STRIDE} % {DAYS})"
    with store.transaction() as db:
        return db.execute(
            f"UPDATE articles SET date = date(?, '+' || {day} || ' days'), "
            f"metadata = json_set(metadata, '$.date', date(?, '+' || {day} || ' days')) "
            "WHERE date IS NULL AND path LIKE '/synthetic/%'",
            (FIRST_DAY.isoformat(), FIRST_DAY.isoformat()),
        ).rowcount


def build(source_directory: Path, target: Path, passages: int) -> Store:
    """An index of `passages` synthetic passages at target, its FAISS base written and its file packed as `qa index`
    leaves a first build."""
    source = Store.open(source_directory)
    shutil.rmtree(target, ignore_errors=True)
    store = Store.create(target)
    for name in ENCODER_FILES:
        shutil.copyfile(source_directory / name, target / name)
    recorded = source.manifest()
    manifest = Manifest(**{name: getattr(recorded, name) for name in MODEL_FIELDS})
    generator = Generator(source)
    articles = passages // PASSAGES_PER_ARTICLE
    for first in range(0, articles, ARTICLES_PER_COMMIT):
        written, keys, vectors = generator.articles(min(ARTICLES_PER_COMMIT, articles - first), first)
        store.put_embeddings(keys, vectors, {p.embedding_key for article in written for p in article.passages})
        store.commit_update(manifest=manifest, sources=[], removed=[], written=written)
        print(f"\r{first + len(written)} / {articles} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    vector_index.refresh(store)
    store.compact()  # as `qa index` packs the file after a first build
    store.checkpoint()
    (target / MARKER).write_text(json.dumps({"passages": passages, "builder": BUILDER}))
    return store


def built(target: Path, passages: int) -> bool:
    """Whether target holds a finished synthetic index of that many passages (articles added later aside)."""
    try:
        return json.loads((target / MARKER).read_text()) == {"passages": passages, "builder": BUILDER}
    except (OSError, ValueError):
        return False


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, metavar="SOURCE_INDEX", help="the real index giving words and vectors")
    parser.add_argument("target", type=Path, metavar="TARGET_INDEX", help="the synthetic index to build")
    parser.add_argument("passages", type=int, metavar="PASSAGES", help="how many passages it holds")
    args = parser.parse_args()
    build(args.source, args.target, args.passages)
