"""The behaviour ranking relies on from the storage roles (qa/backends/base.py), written once against the protocols
and run against every backend: the in-memory fake (tests/memory_backend.py), the local one (SQLite + FTS5 + FAISS)
and the sharded one (three local indexes in this process), over the hand-written articles (tests/sample_articles.py),
and the local and sharded ones over the seeds (the sharded one also with its shards served by Ray actors, on a real
cluster of this machine).

Expectations are read from what each backend stores, so the same test holds whatever the articles: what is asserted
must hold for every backend (the local index stems words and the fake does not, so no test depends on either).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path, PurePath

import numpy as np
import pytest
from memory_backend import HashingEncoder, MemoryBackend, admits
from sample_articles import COPIES, new_articles

from qa.backends.base import Backend
from qa.backends.local.backend import LocalBackend
from qa.backends.local.store import Store
from qa.backends.opening import open_backend
from qa.backends.sharded.backend import ShardedBackend
from qa.backends.sharded.layout import shard_folders, shard_of
from qa.backends.sharded.transport import LocalShards, shard_names
from qa.manifest import Manifest
from qa.records import Filters, StoredPassage

ABSENT = "qzxqvw"  # a word no article holds
_LONG_WORD = re.compile(r"[a-z]{8,}")
_WORD = re.compile(r"[a-z]{5,}")


def local_backend(directory: Path, keeps=lambda path: True) -> LocalBackend:
    """A local index of the hand-written articles (those `keeps` keeps), their vectors from the hashing encoder
    (no model)."""
    articles, encoder = [a for a in new_articles() if keeps(a.path)], HashingEncoder()
    texts = {
        key: text
        for article in articles
        for p in article.passages
        for key, text in [
            (p.embedding_key, p.chunk.search_text),
            *((s.embedding_key, s.search_text) for s in p.sentences),
        ]
    }
    store = Store.create(directory)
    passage_keys = {p.embedding_key for article in articles for p in article.passages}
    store.put_embeddings(list(texts), encoder.encode(list(texts.values())), passage_keys)
    manifest = Manifest(dimension=encoder.dimension, model_sha256="hashing")
    copies = [pair for pair in COPIES if any(map(keeps, pair))]
    store.commit_update(manifest=manifest, sources=[], removed=[], written=articles, copies=copies)
    return LocalBackend.of(store)


def sharded_backend(directory: Path, shards: int = 3) -> ShardedBackend:
    """The hand-written articles in three local indexes, each article in the shard its path is routed to."""
    folders = [directory / f"{n:02d}" for n in range(shards)]
    backends = [
        local_backend(folder, lambda path, n=n: shard_of(path, shards) == n) for n, folder in enumerate(folders)
    ]
    return ShardedBackend(LocalShards(backends, shard_names(folders)), directory)


# How each backend is opened over the hand-written articles, and over the seed index where it reads one: a new
# backend joins these two lists.
SAMPLE_BACKENDS = {
    "memory": lambda request, folder: MemoryBackend(new_articles(), HashingEncoder(), COPIES),
    "local": lambda request, folder: local_backend(folder),
    "sharded": lambda request, folder: sharded_backend(folder),
}
SEED_BACKENDS = {
    "local-seeds": lambda request, folder: LocalBackend.open(request.getfixturevalue("seed_index")),
    "sharded-seeds": lambda request, folder: open_backend(request.getfixturevalue("sharded_seed_index")),
    "sharded-ray-seeds": lambda request, folder: ray_backend(request),
}


def ray_backend(request) -> ShardedBackend:
    """The sharded seed index, its shards served by actors on a real Ray cluster of this machine (given all the
    time they need to start)."""
    from qa.ray_cluster import connect

    connect(request.getfixturevalue("ray_cluster").address)
    from qa.backends.sharded.ray_shards import RayShards

    index = request.getfixturevalue("sharded_seed_index")
    return ShardedBackend(RayShards(shard_folders(index), timeout=120), index)


@pytest.fixture(scope="module", params=[*SAMPLE_BACKENDS, *SEED_BACKENDS])
def backend(request, tmp_path_factory) -> Backend:
    """Every backend, over the hand-written articles or the seeds."""
    subject = {**SAMPLE_BACKENDS, **SEED_BACKENDS}[request.param](request, tmp_path_factory.mktemp(request.param))
    yield subject
    subject.close()


@pytest.fixture(scope="module", params=list(SAMPLE_BACKENDS))
def sample_backend(request, tmp_path_factory) -> Backend:
    """Every backend, over the hand-written articles."""
    subject = SAMPLE_BACKENDS[request.param](request, tmp_path_factory.mktemp(request.param))
    yield subject
    subject.close()


def every_passage(backend: Backend) -> list[StoredPassage]:
    return [p for path in backend.store.articles() for p in backend.store.article_passages(path)]


def row_text(passage: StoredPassage) -> str:
    """What a passage's lexical row holds: its text, and its article's title and outlet."""
    return " ".join((passage.title, passage.metadata.get("outlet", ""), passage.text)).lower()


def rare_word(backend: Backend) -> tuple[str, StoredPassage]:
    """A long word of one passage that no other passage holds (nor a word of the same first five letters,
    which stemming might merge with it)."""
    passages = every_passage(backend)
    for passage in passages:
        for word in _LONG_WORD.findall(passage.text.lower()):
            if sum(word[:5] in row_text(p) for p in passages) == 1:
                return word, passage
    raise AssertionError("no passage holds a word of its own")


def common_words(backend: Backend, passages: list[StoredPassage] | None = None, n: int = 3) -> list[str]:
    """The words of five letters or more that most passages hold."""
    held = Counter(word for p in passages or every_passage(backend) for word in set(_WORD.findall(p.text.lower())))
    return [word for word, _ in held.most_common(n)]


def source_of(backend: Backend) -> str:
    """A source filter naming the article with the most passages: its outlet, else its file name."""
    article = max(backend.store.articles().values(), key=lambda a: a.passages)
    return article.metadata.get("outlet") or PurePath(article.path).name


def filter_cases(backend: Backend) -> list[Filters]:
    """Filters by source, by date (bounds included: the day of a dated article) and one matching nothing."""
    day = date.fromisoformat(
        next(a.metadata["date"] for a in backend.store.articles().values() if "date" in a.metadata)
    )
    return [
        Filters(since=day),
        Filters(until=day),
        Filters(source=source_of(backend)),
        Filters(source=source_of(backend).upper()),
        Filters(since=date(2018, 1, 1)),
        Filters(until=date(2017, 12, 31)),
        Filters(until=date(2018, 12, 31)),
        Filters(since=date(2018, 1, 1), until=date(2018, 12, 31)),
        Filters(source=ABSENT),
    ]


def admitted(backend: Backend, filters: Filters) -> set[int]:
    """The ids of the passages of the articles the filters let through, as Filters defines it."""
    articles = backend.store.articles()
    return {p.id for p in every_passage(backend) if admits(filters, articles[p.path])}


# -- passage store ---------------------------------------------------------------------------------------------


def test_passages_by_id_carry_their_article_and_leave_unknown_ids_out(backend):
    articles = backend.store.articles()
    wanted = [p.id for p in every_passage(backend)][:5]
    unknown = max(p.id for p in every_passage(backend)) + 1000
    found = backend.store.passages([*wanted, unknown])
    assert sorted(found) == sorted(wanted)
    for passage_id, passage in found.items():
        article = articles[passage.path]
        assert passage.id == passage_id
        assert (passage.title, passage.metadata) == (article.title, article.metadata)
        assert passage.sentences and all(
            passage.start <= start < end <= passage.end for start, end in passage.sentences
        )
        assert [start for start, _ in passage.sentences] == sorted(start for start, _ in passage.sentences)
        assert passage.text.strip()
    assert backend.store.passages([]) == {}


def test_article_passages_are_the_articles_passages_in_reading_order(backend):
    for path, article in backend.store.articles().items():
        passages = backend.store.article_passages(path)
        assert len(passages) == article.passages > 0
        assert all(p.path == path for p in passages)
        assert [p.start for p in passages] == sorted(p.start for p in passages)
        assert backend.store.passages([p.id for p in passages]) == {p.id: p for p in passages}
    assert backend.store.article_passages("no/such/article.txt") == []


def test_reads_within_a_snapshot_see_one_generation(backend):
    generation = backend.store.generation
    assert generation >= 1
    with backend.store.snapshot():
        counts = backend.store.counts()
        with backend.store.snapshot():  # within another: that one's state
            assert backend.store.generation == generation
        assert backend.store.counts() == counts


def test_articles_by_path_and_counts(backend):
    articles = backend.store.articles()
    first, *_ = articles
    assert list(backend.store.articles([first, "no/such/article.txt"])) == [first]
    assert all(path == article.path for path, article in articles.items())
    assert backend.store.counts() == {
        "articles": len(articles),
        "passages": sum(a.passages for a in articles.values()),
    }
    assert backend.store.counts()["passages"] == len(every_passage(backend))


def test_copies_are_mutual_and_restricted_to_the_paths_asked(backend):
    copies = backend.store.copies()
    articles = backend.store.articles()
    for path, others in copies.items():
        assert path in articles and path not in others
        for other in others:
            assert path in copies[other]
        assert backend.store.copies([path, "no/such/article.txt"]) == {path: others}
    assert backend.store.copies(["no/such/article.txt"]) == {}


def test_copies_of_the_hand_written_articles(sample_backend):
    assert sample_backend.store.copies() == {
        "courier/bridge-digest.txt": ["gazette/bridge.txt"],
        "gazette/bridge.txt": ["courier/bridge-digest.txt"],
    }


def test_the_filters_tried_let_some_articles_through_and_leave_others_out(sample_backend):
    articles = sample_backend.store.articles().values()
    for filters in filter_cases(sample_backend)[:-1]:
        assert 0 < sum(admits(filters, article) for article in articles) < len(articles), filters


def test_articles_matching_counts_the_articles_the_filters_let_through(backend):
    articles = backend.store.articles()
    assert backend.store.articles_matching(Filters()) == len(articles)
    for filters in filter_cases(backend):
        expected = sum(admits(filters, article) for article in articles.values())
        assert backend.store.articles_matching(filters) == expected, filters
    assert backend.store.articles_matching(Filters(source=source_of(backend))) >= 1
    assert backend.store.articles_matching(Filters(source=ABSENT)) == 0


# -- lexical index ---------------------------------------------------------------------------------------------


def test_a_passage_holding_a_rare_word_of_the_question_is_found_first(backend):
    word, passage = rare_word(backend)
    found = backend.lexical.search([ABSENT, word, "the"], 5, Filters())
    assert next(iter(found)) == passage.id


def test_lexical_scores_descend_and_k_is_respected(backend):
    words = common_words(backend)
    found = backend.lexical.search(words, 3, Filters())
    assert len(found) == 3
    scores = list(found.values())
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    everything = backend.lexical.search(words, 1000, Filters())
    assert list(everything)[:3] == list(found)
    assert backend.lexical.search(words, 1, Filters()) == dict(list(found.items())[:1])
    assert backend.lexical.search(words, 0, Filters()) == {}


def test_no_terms_or_no_matching_term_find_nothing(backend):
    assert backend.lexical.search([], 10, Filters()) == {}
    assert backend.lexical.search([ABSENT], 10, Filters()) == {}


@pytest.mark.parametrize("term", ["", "_", '"', "*", "-", "^", "'"])
def test_terms_holding_no_word_find_nothing(backend, term):
    passage = every_passage(backend)[0]
    assert backend.lexical.search([term], 10, Filters()) == {}
    assert backend.lexical.search([term], 10, Filters(source=source_of(backend))) == {}
    assert not backend.lexical.holds_anywhere(term)
    statistics = backend.lexical.statistics([term])
    assert statistics.passages.frequencies == statistics.sentences.frequencies == {term: 0}
    assert backend.lexical.sentences_holding_all([term], passage.id) == set()
    assert backend.lexical.sentence_scores([term], sentences_of(backend, passage)) == {}


def test_lexical_filters_keep_exactly_the_passages_of_the_articles_let_through(backend):
    words = common_words(backend)
    total = backend.store.counts()["passages"]
    unfiltered = backend.lexical.search(words, total, Filters())
    for filters in filter_cases(backend):
        found = backend.lexical.search(words, total, filters)
        assert set(found) == set(unfiltered) & admitted(backend, filters), filters
    assert backend.lexical.search(words, total, Filters(source=source_of(backend)))
    assert backend.lexical.search(words, total, Filters(source=ABSENT)) == {}


def sentences_of(backend: Backend, passage: StoredPassage) -> dict[int, str]:
    """The passage's sentences' searchable texts, by sentence id, as ranking derives them."""
    sentences, _ = backend.dense.sentence_vectors([passage.id])
    return {s.id: passage.search_text(s.start, s.end) for s in sentences}


def passage_with_sentences(backend: Backend) -> tuple[StoredPassage, str, dict[int, str]]:
    """A passage of several sentences, a word of its first sentence that another of them lacks, and its sentences."""
    for passage in every_passage(backend):
        texts = sentences_of(backend, passage)
        first, *others = texts.values()
        for word in _WORD.findall(first.lower()):
            if any(word[:4] not in text.lower() for text in others):
                return passage, word, texts
    raise AssertionError("no passage has two different sentences")


def test_sentence_scores_only_for_the_sentences_matching(backend):
    passage, word, texts = passage_with_sentences(backend)
    scores = backend.lexical.sentence_scores([word, ABSENT], texts)
    holding = {i for i, text in texts.items() if word in re.findall(r"\w+", text.lower())}
    maybe = {i for i, text in texts.items() if word[:4] in text.lower()}
    assert holding <= set(scores) <= maybe
    assert holding and all(score > 0 for score in scores.values())
    assert backend.lexical.sentence_scores([], texts) == {}
    assert backend.lexical.sentence_scores([ABSENT], texts) == {}


def test_holds_anywhere(backend):
    word, passage = rare_word(backend)
    assert backend.lexical.holds_anywhere(word)
    assert not backend.lexical.holds_anywhere(ABSENT)
    following = re.search(rf"\b{word}\W+(\w+)", passage.text.lower()).group(1)
    assert backend.lexical.holds_anywhere(f"{word}, {following}")  # a phrase: its words in a row
    assert not backend.lexical.holds_anywhere(f"{following}, {word}")


def test_sentences_holding_all_the_terms(backend):
    passage, word, texts = passage_with_sentences(backend)
    first_span = passage.sentences[0]
    other = next(w for w in _WORD.findall(next(iter(texts.values())).lower()) if w != word)
    spans = backend.lexical.sentences_holding_all([word, other], passage.id)
    assert first_span in spans
    for start, end in spans:
        assert (start, end) in passage.sentences
        text = passage.search_text(start, end).lower()
        assert word[:4] in text and other[:4] in text
    assert backend.lexical.sentences_holding_all([word, ABSENT], passage.id) == set()
    assert backend.lexical.sentences_holding_all([], passage.id) == set(passage.sentences)  # each holds all of none
    assert backend.lexical.sentences_holding_all([word], max(p.id for p in every_passage(backend)) + 1000) == set()


def test_statistics(backend):
    word, _ = rare_word(backend)
    common = common_words(backend, n=1)[0]
    statistics = backend.lexical.statistics([word, common, ABSENT])
    passages, sentences = statistics.passages, statistics.sentences
    assert passages.rows == backend.store.counts()["passages"] <= sentences.rows
    assert passages.average_length > sentences.average_length > 0
    assert passages.frequencies[word] == 1 <= sentences.frequencies[word]
    assert 2 <= passages.frequencies[common] <= passages.rows
    assert passages.frequencies[ABSENT] == sentences.frequencies[ABSENT] == 0


def test_scores_read_the_collection_statistics_given(backend):
    """BM25 with the statistics of a larger collection (as a shard scores with its index's): a rarer word weighs
    more, and with the index's own statistics given, the scores are those found without."""
    word, passage = rare_word(backend)
    common = common_words(backend, n=1)[0]
    terms = [word, common]
    own = backend.lexical.statistics(terms)
    assert backend.lexical.search(terms, 5, Filters(), own) == pytest.approx(
        backend.lexical.search(terms, 5, Filters())
    )
    larger = own + own  # twice the rows, each word as rare as before: idf grows
    assert (
        backend.lexical.search(terms, 5, Filters(), larger)[passage.id]
        > backend.lexical.search(terms, 5, Filters())[passage.id]
    )
    sentence_id, sentence_text = next(
        (i, text) for i, text in sentences_of(backend, passage).items() if word in text.lower()
    )
    alone = {sentence_id: sentence_text}
    assert backend.lexical.sentence_scores(terms, alone, own) == pytest.approx(
        backend.lexical.sentence_scores(terms, alone)
    )
    assert (
        backend.lexical.sentence_scores(terms, alone, larger)[sentence_id]
        > backend.lexical.sentence_scores(terms, alone)[sentence_id]
    )


# -- dense index -----------------------------------------------------------------------------------------------


def test_a_passages_own_vector_finds_it_first_and_cosines_descend(backend):
    passages = every_passage(backend)
    vectors = backend.dense.passage_vectors([p.id for p in passages])
    for passage in passages[:5]:
        found = backend.dense.search(vectors[passage.id], 4, Filters())
        assert len(found) == 4
        ids, cosines = zip(*found, strict=True)
        assert cosines[0] == pytest.approx(1.0, abs=1e-2)
        assert passage.id in ids and dict(found)[passage.id] == pytest.approx(1.0, abs=1e-2)
        assert list(cosines) == sorted(cosines, reverse=True)
    assert backend.dense.search(vectors[passages[0].id], 0, Filters()) == []


def test_dense_cosines_are_those_of_the_stored_vectors(backend):
    passages = every_passage(backend)
    vectors = backend.dense.passage_vectors([p.id for p in passages])
    query = vectors[passages[-1].id]
    found = backend.dense.search(query, len(passages), Filters())
    assert sorted(i for i, _ in found) == sorted(vectors)
    for passage_id, cosine in found:
        assert cosine == pytest.approx(float(vectors[passage_id] @ query), abs=1e-6)


def test_dense_filters_keep_exactly_the_passages_of_the_articles_let_through(backend):
    passages = every_passage(backend)
    query = backend.dense.passage_vectors([passages[0].id])[passages[0].id]
    for filters in filter_cases(backend):
        found = backend.dense.search(query, len(passages), filters)
        assert {i for i, _ in found} == admitted(backend, filters), filters
        cosines = [cosine for _, cosine in found]
        assert cosines == sorted(cosines, reverse=True)
    assert backend.dense.search(query, 2, Filters(source=source_of(backend)))
    assert backend.dense.search(query, 10, Filters(source=ABSENT)) == []


def test_passage_vectors_are_unit_vectors_and_leave_unknown_ids_out(backend):
    passages = every_passage(backend)
    unknown = max(p.id for p in passages) + 1000
    vectors = backend.dense.passage_vectors([passages[0].id, passages[1].id, unknown])
    assert sorted(vectors) == sorted([passages[0].id, passages[1].id])
    for vector in vectors.values():
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-2)


def test_sentence_vectors_are_the_passages_sentences(backend):
    passages = every_passage(backend)[:4]
    sentences, matrix = backend.dense.sentence_vectors([p.id for p in passages])
    dimension = len(next(iter(backend.dense.passage_vectors([passages[0].id]).values())))
    assert matrix.shape == (len(sentences), dimension)
    assert len({s.id for s in sentences}) == len(sentences)
    for passage in passages:
        assert [(s.start, s.end) for s in sentences if s.passage_id == passage.id] == list(passage.sentences)
    assert np.linalg.norm(matrix, axis=1) == pytest.approx(np.ones(len(sentences)), abs=2e-2)
    empty, none = backend.dense.sentence_vectors([])
    assert empty == [] and len(none) == 0


def test_a_sentence_alone_in_its_passage_has_the_passages_vector(backend):
    alone = [p for p in every_passage(backend) if len(p.sentences) == 1 and p.sentences[0] == (p.start, p.end)]
    assert alone
    sentences, matrix = backend.dense.sentence_vectors([p.id for p in alone])
    vectors = backend.dense.passage_vectors([p.id for p in alone])
    for sentence, vector in zip(sentences, matrix, strict=True):
        assert float(vector @ vectors[sentence.passage_id]) == pytest.approx(1.0, abs=2e-2)


def test_means_are_the_means_of_the_sums(backend):
    for vector_sum, mean in zip(backend.dense.sums(), backend.dense.means(), strict=True):
        assert vector_sum.count > 0
        np.testing.assert_allclose(vector_sum.total / vector_sum.count, mean, atol=1e-6)


def test_means_are_vectors_of_the_index_dimension(backend):
    passage = every_passage(backend)[0]
    dimension = len(backend.dense.passage_vectors([passage.id])[passage.id])
    passage_mean, sentence_mean = backend.dense.means()
    assert passage_mean.shape == sentence_mean.shape == (dimension,)
    assert 0 < np.linalg.norm(passage_mean) <= 1 + 1e-6
    assert 0 < np.linalg.norm(sentence_mean) <= 1 + 1e-6
