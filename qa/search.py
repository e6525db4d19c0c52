"""Answer a question from an index: retrieve passages, pick each one's answering sentence."""

from __future__ import annotations

from pathlib import Path

from qa import vector_index
from qa.answer import Answer, Result, best_sentence
from qa.chunking import normalize
from qa.embedding import Encoder, model_for_index
from qa.store import Store

# Below this cosine the best passage is taken not to answer the question.
DENSE_CONFIDENCE = 0.35


class Searcher:
    """Holds an open index and its model; answers questions against the index's current generation."""

    def __init__(self, store: Store, encoder: Encoder):
        self.store = store
        self.encoder = encoder
        self._index = None
        self._generation = -1

    @classmethod
    def open(cls, directory: Path, model_path: Path | None = None) -> Searcher:
        store = Store.open(directory)
        return cls(store, Encoder(model_for_index(store.manifest(), model_path)))

    @property
    def index(self):
        generation = self.store.generation
        if generation != self._generation:
            self._index = vector_index.load(self.store)
            self._generation = generation
        return self._index

    def ask(self, question: str, k: int = 5) -> Answer:
        query = self.encoder.encode([normalize(question)])[0]
        hits = vector_index.search(self.index, query, k)
        passages = self.store.passages(passage_id for passage_id, _ in hits)
        results = [
            Result(passages[passage_id], score, best_sentence(question, passages[passage_id]))
            for passage_id, score in hits
            if passage_id in passages
        ]
        confident = bool(results) and results[0].score >= DENSE_CONFIDENCE
        return Answer(question, confident, results)
