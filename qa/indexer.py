"""Bring an index up to date with its sources, embedding only passages whose text is new.

Passages are embedded with the index's ONNX encoder (onnxruntime is as fast as torch
here and starts in a tenth of the time); torch is loaded only to export that encoder,
on a first build, a rebuild, or when the exported files are missing or damaged.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from qa import onnx_encoder, vector_format
from qa.article import Article, IngestError, content_hash
from qa.backends.local import vector_index
from qa.backends.local.store import Store
from qa.backends.local.update_lock import update_lock
from qa.chunking import CHUNKER_VERSION, chunk
from qa.embedding import SentenceTransformersEncoder, check_same_model, model_for_index, resolve_model
from qa.errors import QAError
from qa.ingest import MAX_FILE_BYTES, read_article, read_bytes, read_records, record_format
from qa.locations import record_key
from qa.manifest import Manifest, ModelSpec
from qa.near_duplicates import Signature, links
from qa.records import NewArticle, NewPassage, NewSentence, Source
from qa.scan import path_from_text, path_text, scan
from qa.text import normalize_for_search

DEFAULT_SOURCE = Path("seeds")
GROUP = 16  # passages embedded (with their sentences) between two steps of the progress bar


@dataclass(frozen=True)
class OneShard:
    """What the update of one shard of a sharded index needs of the whole."""

    keeps: Callable[[str], bool]  # whether an article (by store key) is routed to this shard
    indexed: frozenset[str]  # every shard's article keys: byte-identical files are stored under one of them
    signatures: dict[str, Signature]  # the other shards' articles' signatures: copies are found across shards
    reuse: Store | None = None  # an index being split into shards: its vectors are taken for equal texts


class IndexUpdateError(QAError):
    """The update cannot run as asked (no sources, another model); nothing was changed."""


@dataclass
class IndexSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    passages_embedded: int = 0
    # sentence vectors computed beside them (a sentence equal to its passage shares its vector)
    sentences_embedded: int = 0
    seconds: float = 0.0
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"} (and "line" for a record): not indexed
    warnings: list[dict] = field(default_factory=list)  # {"path", "warning"}: indexed, with a caveat
    duplicates: list[dict] = field(default_factory=list)  # {"path", "same_as"}: byte-identical, indexed once
    near_duplicates: int = 0  # pairs of articles this update found to be copies of one story

    def as_json(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """The summary in words: counts, then what was skipped and how many duplicates were recorded."""
        lines = [
            f"{self.added} added, {self.updated} updated, {self.removed} removed, {self.unchanged} unchanged; "
            f"{self.passages_embedded} passages embedded in {self.seconds:.1f} s"
        ]
        if self.skipped:
            counts = ", ".join(f"{count} {reason}" for reason, count in self.skipped_counts().items())
            lines.append(f"{len(self.skipped)} skipped ({counts})")
        if self.duplicates:
            lines.append(f"{len(self.duplicates)} byte-identical duplicate file(s) recorded beside the copy indexed")
        if self.near_duplicates:
            lines.append(f"{self.near_duplicates} pair(s) of articles found to be copies of one story")
        return "\n".join(lines)

    def skipped_counts(self) -> dict[str, int]:
        """How many files were skipped for each reason."""
        return dict(Counter(item["reason"] for item in self.skipped))


# Called with (done so far, to do, what: "hashing" files, "reading" articles, "embedding passages" with their
# sentences) from the start of a run; lets the CLI draw a progress bar (with the rate and time left).
Progress = Callable[[int, int, str], None]


EmbeddingGroup = tuple[int, list[tuple[str, str]]]  # (how many passages, [(key, text)]): see _embedding_groups
Embedded = tuple[int, list[str], np.ndarray]  # a group embedded: how many passages, its keys, their vectors


class Embedder(Protocol):
    """Embeds groups and hands each back as soon as it is done (in any order): in this process or on a cluster."""

    dimension: int

    def embedded(self, groups: list[EmbeddingGroup]) -> Iterator[Embedded]: ...


def embed_group(encoder: onnx_encoder.OnnxEncoder, group: EmbeddingGroup) -> Embedded:
    passages, todo = group
    return passages, [key for key, _ in todo], encoder.encode([text for _, text in todo])


class LocalEmbedder:
    """Embeds groups one after the other in this process, with every core."""

    def __init__(self, directory: Path, spec: ModelSpec):
        self.encoder = onnx_encoder.OnnxEncoder(directory, spec, bulk=True)
        self.dimension = self.encoder.dimension

    def embedded(self, groups: list[EmbeddingGroup]) -> Iterator[Embedded]:
        return (embed_group(self.encoder, group) for group in groups)


def embedding_key(model: ModelSpec, search_text: str) -> str:
    """Vectors are cached by model and embedded text: equal text is never embedded twice."""
    return hashlib.sha256(f"{model.sha256}\0{search_text}".encode()).hexdigest()


def indexed_model(manifest: Manifest, model_path: Path | None, rebuild: bool) -> ModelSpec:
    """The model the update embeds with: the index's own (as its manifest records it), or the one given, verified."""
    if rebuild or not manifest.model_sha256:
        return resolve_model(model_path)
    if model_path is None:
        return manifest.model
    model = resolve_model(model_path)
    check_same_model(manifest, model)
    return model


def passage_embedder(
    directory: Path,
    manifest: Manifest,
    model: ModelSpec,
    model_path: Path | None,
    rebuild: bool,
    intact: bool,
    make_embedder: Callable[[Path, ModelSpec], Embedder],
) -> tuple[Embedder, str]:
    """An embedder with the index's ONNX encoder, and the encoder's digest: when it is not intact, copied from the
    cache, else exported (from verified weights) and cached."""
    if intact:
        return make_embedder(directory, model), manifest.onnx_sha256
    taken_from_manifest = not rebuild and model_path is None and manifest.model_sha256
    spec = model_for_index(manifest, None) if taken_from_manifest else model
    digest = onnx_encoder.install_cached(directory, spec)
    if digest is None:
        digest = onnx_encoder.export(SentenceTransformersEncoder(spec), directory)
        onnx_encoder.remember(directory, spec, digest)
    return make_embedder(directory, spec), digest


def update(
    store: Store,
    paths: list[Path],
    *,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    model_path: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
    wait: float | None = None,
    follow_links: bool | None = None,
    max_bytes: int | None = None,
    fields: dict[str, str] | None = None,
    shard: OneShard | None = None,
    make_embedder: Callable[[Path, ModelSpec], Embedder] = LocalEmbedder,
) -> IndexSummary:
    """Index paths (added to the recorded sources with these globs) incrementally, in one visible commit.

    Byte-identical files are one article, stored under the path already indexed (else the
    shallowest, then first in order) with the others recorded beside it. Each record of a file of
    records is an article of its own. `fields` names the fields of records (`{"text": "body_html"}`),
    recorded with the paths. One update runs at a time: another waits for it to finish (say is
    called first, to say so), at most `wait` seconds if given. follow_links and max_bytes, when given,
    are recorded for the later updates of the index. The index may be one shard of a sharded index (`shard`):
    it then takes only the articles routed to it. New vectors are computed by the embedder `make_embedder` makes
    from the index folder and the model (LocalEmbedder, or qa.ray_embedding.RayEmbedder on a cluster).
    """
    with update_lock(store.directory, say, wait):
        began = time.perf_counter()
        manifest = store.manifest()
        if not rebuild and manifest.dimension and manifest.vector_format != vector_format.NAME:
            if say:
                say("converting this index's stored vectors to float16 and int8 (a third of their disk), once…")
            if store.quantise_vectors():
                store.compact()
        model = indexed_model(manifest, model_path, rebuild)
        settings = scan_settings(manifest, follow_links, max_bytes)
        for path in paths:
            if not path.exists():
                raise IndexUpdateError(f"no such file or folder: {path}")
        recorded = store.sources()
        sources = {source.path: source for source in recorded}
        sources.update((path_text(p.resolve()), Source(path_text(p.resolve()), include, exclude)) for p in paths)
        if not sources:
            if not DEFAULT_SOURCE.is_dir():
                raise IndexUpdateError(f"nothing to index: give a file or folder (no ./{DEFAULT_SOURCE} here)")
            sources = {path_text(DEFAULT_SOURCE.resolve()): Source(path_text(DEFAULT_SOURCE.resolve()))}
        files, skipped = scan(sources.values(), settings.follow_links)
        max_file_bytes = settings.max_file_bytes
        field_names = dict(manifest.record_fields)
        field_names.update((path_text(p.resolve()), fields) for p in paths if fields is not None)

        # an unmounted folder keeps its articles
        reachable = [source for source in sources if path_from_text(source).exists()]
        stored = {} if rebuild else store.article_versions(under=reachable)
        rechunk = manifest.chunker_version != str(CHUNKER_VERSION)
        summary = IndexSummary(skipped=skipped)
        written = []
        present = set()
        indexed = stored if shard is None else shard.indexed
        keeps = shard.keeps if shard else None
        groups = _identical_files(files, indexed, summary, max_file_bytes, progress)
        for number, (digest, group) in enumerate(groups.items()):
            if progress:
                progress(number, len(groups), "reading")
            key, also_at = path_text(group[0]), tuple(path_text(path) for path in group[1:])
            if record_format(group[0]):
                mapping = _fields_for(group[0], field_names)
                try:
                    records, keys = _records(group[0], mapping, also_at, stored, rechunk, model, summary, keeps)
                except IngestError as error:
                    summary.skipped += [{"path": path_text(path), "reason": error.reason} for path in group]
                    continue
                written += records
                present.update(keys)
                summary.duplicates += [{"path": path, "same_as": key} for path in also_at]
                continue
            if keeps and not keeps(key):
                continue
            previous = stored.get(key)
            if previous and not rechunk and previous.content_hash == digest and previous.also_at == also_at:
                summary.unchanged += 1
            else:
                try:
                    article = read_article(group[0], read_bytes(group[0], max_file_bytes))
                except IngestError as error:
                    summary.skipped += [{"path": path_text(path), "reason": error.reason} for path in group]
                    continue
                if article.encoding != "utf-8":
                    summary.warnings.append({"path": key, "warning": f"not UTF-8: decoded as {article.encoding}"})
                passages = _passages(article, model)
                written.append(NewArticle(key, digest, article.title, article.metadata, passages, also_at))
                if previous:
                    summary.updated += 1
                else:
                    summary.added += 1
            present.add(key)
            summary.duplicates += [{"path": path, "same_as": key} for path in also_at]
        removed = [path for path in stored if path not in present]
        summary.removed = len(removed)

        texts = {}
        for new in (passage for article in written for passage in article.passages):
            texts[new.embedding_key] = new.chunk.search_text
            texts.update((sentence.embedding_key, sentence.search_text) for sentence in new.sentences)
        missing = set(texts if rebuild else store.missing_embeddings(texts))
        if shard and shard.reuse and missing:
            missing -= store.take_embeddings(shard.reuse, missing)
        onnx_sha256 = manifest.onnx_sha256
        dimension = manifest.dimension
        # the encoder's files are hashed whole before it embeds anything: no remembered digest is trusted here
        intact = not rebuild and onnx_encoder.is_intact(store.directory, manifest, verify=True)
        passage_keys = {passage.embedding_key for article in written for passage in article.passages}
        if missing or not intact:
            embedder, onnx_sha256 = passage_embedder(
                store.directory, manifest, model, model_path, rebuild, intact, make_embedder
            )
            dimension = embedder.dimension
            groups = _embedding_groups(written, texts, missing)
            _store_embedded(store, embedder.embedded(groups), sum(n for n, _ in groups), passage_keys, progress)
        summary.passages_embedded = len(missing & passage_keys)
        summary.sentences_embedded = len(missing) - summary.passages_embedded

        elsewhere = shard.signatures if shard else {}
        written, copies, signed = _copies(store, written, removed, rebuild, elsewhere)  # after embedding (stored first)
        summary.near_duplicates = len(copies)
        updated = replace(
            settings,
            onnx_sha256=onnx_sha256,
            passage_encoder="onnxruntime",
            model_name=model.name,
            model_path=str(model.path),
            model_sha256=model.sha256,
            dimension=dimension,
            vector_format=vector_format.NAME,
            chunker_version=str(CHUNKER_VERSION),
            record_fields=field_names,
        )
        changed = written or removed or set(sources.values()) != set(recorded)
        if changed or rebuild or updated != manifest or not manifest.generation:
            store.commit_update(
                manifest=updated,
                sources=sources.values(),
                removed=removed,
                written=written,
                wipe=rebuild,
                copies=copies,
                signed=signed,
            )
            try:
                vector_index.refresh(store)
            except OSError as error:  # committed already; the next reader rebuilds the cache from stored vectors
                summary.warnings.append({"path": str(store.directory), "warning": f"FAISS cache not written ({error})"})
        store.checkpoint()
        summary.seconds = round(time.perf_counter() - began, 3)
        return summary


def scan_settings(manifest: Manifest, follow_links: bool | None, max_bytes: int | None) -> Manifest:
    """The manifest with how folders are scanned: as given, else as the index recorded, else by default (links
    kept in, 50 MiB)."""
    return replace(
        manifest,
        follow_links=manifest.follow_links if follow_links is None else follow_links,
        max_file_bytes=(manifest.max_file_bytes if max_bytes is None else max_bytes) or MAX_FILE_BYTES,
    )


def _identical_files(
    files: list[Path], stored: Container[str], summary: IndexSummary, max_bytes: int, progress: Progress | None
) -> dict[str, list[Path]]:
    """The readable files grouped by content hash; first in each group the path already indexed, else the shallowest.

    An unreadable file is recorded as skipped.
    """
    groups: dict[str, list[Path]] = {}
    for number, path in enumerate(files):
        if progress:
            progress(number, len(files), "hashing")
        try:
            if record_format(path):  # hashed in pieces: a file of records may be larger than memory
                with open(path, "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
            else:
                digest = content_hash(read_bytes(path, max_bytes))
            groups.setdefault(digest, []).append(path)
        except OSError as error:
            summary.skipped.append({"path": path_text(path), "reason": f"unreadable: {error.strerror or error}"})
        except IngestError as error:
            summary.skipped.append({"path": path_text(path), "reason": error.reason})
    for group in groups.values():
        group.sort(key=lambda path: (path_text(path) not in stored, len(path.parts), path_text(path)))
    return groups


def _copies(
    store: Store, written: list[NewArticle], removed: list[str], rebuild: bool, elsewhere: dict[str, Signature]
) -> tuple[list[NewArticle], set[tuple[str, str]], dict[str, Signature]]:
    """The written articles with their signatures, the pairs of copies among them and the other articles kept (here,
    and `elsewhere`: in the other shards of a sharded index), and the kept articles signed here from their stored
    passages (those stored before their signature was kept whole)."""
    if not written:
        return written, set(), {}
    written = [replace(a, signature=Signature.of(" ".join(p.chunk.text for p in a.passages))) for a in written]
    gone = {*removed, *(article.path for article in written)}
    kept = {} if rebuild else {path: value for path, value in store.signatures().items() if path not in gone}
    unsigned = [] if rebuild else [path for path in store.unsigned_articles() if path not in gone]
    signed = {path: Signature.of(" ".join(p.text for p in store.article_passages(path))) for path in unsigned}
    new = {**signed, **{article.path: article.signature for article in written}}
    return written, links({**elsewhere, **kept, **new}, new), signed


def _fields_for(path: Path, field_names: dict[str, dict[str, str]]) -> dict[str, str]:
    """The field names recorded for the source holding path (the nearest one)."""
    holding = [source for source in field_names if path.resolve().is_relative_to(path_from_text(source))]
    return field_names[max(holding, key=len)] if holding else {}


def _records(
    path: Path,
    mapping: dict[str, str],
    also_at: tuple[str, ...],
    stored: dict,
    rechunk: bool,
    model: ModelSpec,
    summary: IndexSummary,
    keeps: Callable[[str], bool] | None = None,
) -> tuple[list[NewArticle], list[str]]:
    """The new or changed records of a file of records (those `keeps` keeps) as articles, and the keys of all its
    records; only a record whose bytes changed is read into an article. Raises IngestError when the file cannot be
    read on."""
    from qa.formats.records import BadRecord

    written, keys, counts, problems = [], [], Counter(), []
    for record in read_records(path, mapping):
        key = record_key(path_text(path), record.index)
        if keeps and not keeps(key):
            continue
        if isinstance(record, BadRecord):
            problems.append(record.as_skipped(path))
            continue
        previous = stored.get(key)
        if previous and not rechunk and previous.content_hash == record.digest and previous.also_at == also_at:
            counts["unchanged"] += 1
            keys.append(key)
            continue
        try:
            article = record.article()
        except IngestError as error:
            problems.append(BadRecord(record.index, record.line, error.reason).as_skipped(path))
            continue
        passages = _passages(article, model)
        written.append(NewArticle(key, record.digest, article.title, article.metadata, passages, also_at))
        counts["updated" if previous else "added"] += 1
        keys.append(key)
    summary.skipped += problems
    summary.added += counts["added"]
    summary.updated += counts["updated"]
    summary.unchanged += counts["unchanged"]
    return written, keys


def _passages(article: Article, model: ModelSpec) -> list[NewPassage]:
    """The article's passages and their sentences, each with the key of its vector."""
    passages = []
    for p in chunk(article):
        sentences = []
        for start, end in p.sentences:
            text = normalize_for_search(article.source[start:end])
            sentences.append(NewSentence(start, end, text, embedding_key(model, text)))
        passages.append(NewPassage(p, embedding_key(model, p.search_text), tuple(sentences)))
    return passages


def _embedding_groups(written: list[NewArticle], texts: dict[str, str], missing: set[str]) -> list[EmbeddingGroup]:
    """What to embed, as (how many passages, [(key, text)]): the missing vectors of GROUP passages of similar
    length and of their sentences, each group sorted by text length (batches of similar length waste less
    padding), so that progress is counted in passages."""
    passages: dict[str, list[str]] = {}
    for new in (passage for article in written for passage in article.passages):
        keys = [key for key in (new.embedding_key, *(s.embedding_key for s in new.sentences)) if key in missing]
        if keys:
            passages.setdefault(new.embedding_key, keys)
    ordered = sorted(passages, key=lambda key: len(texts[key]))
    groups, seen = [], set()
    for start in range(0, len(ordered), GROUP):
        members = ordered[start : start + GROUP]
        keys = [key for passage in members for key in passages[passage] if key not in seen]
        seen.update(keys)
        groups.append((len(members), sorted(((key, texts[key]) for key in keys), key=lambda item: len(item[1]))))
    return groups


def _store_embedded(
    store: Store, embedded: Iterable[Embedded], passages: int, passage_keys: set[str], progress: Progress | None
) -> None:
    """Store each group as it is handed over: an interrupted run keeps every finished group."""
    done = 0
    if progress:
        progress(done, passages, "embedding passages")
    for count, keys, vectors in embedded:
        store.put_embeddings(keys, vectors, passage_keys)
        done += count
        if progress:
            progress(done, passages, "embedding passages")
