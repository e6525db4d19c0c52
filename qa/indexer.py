"""Bring an index up to date with its sources, embedding only passages whose text is new.

Passages are embedded with the index's ONNX encoder (onnxruntime is as fast as torch
here and starts in a tenth of the time); torch is loaded only to export that encoder,
on a first build, a rebuild, or when the exported files are missing or damaged.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Container, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
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
from qa.near_duplicates import Signature, Signed, links
from qa.records import VECTOR_KEY_BYTES, NewArticle, NewPassage, NewSentence, Source
from qa.scan import path_from_text, path_text, scan
from qa.text import counted, normalize_for_search

DEFAULT_SOURCE = Path("seeds")
GROUP = 16  # passages embedded (with their sentences) between two steps of the progress bar
BATCH = 1024  # passages read, embedded and staged together: what an update holds in memory


@dataclass(frozen=True)
class OneShard:
    """What the update of one shard of a sharded index needs of the whole."""

    keeps: Callable[[str], bool]  # whether an article (by store key) is routed to this shard
    indexed: frozenset[str]  # every shard's article keys: byte-identical files are stored under one of them
    signatures: tuple[Signed, ...]  # the other shards' articles' signatures: copies are found across shards
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
            f"{counted(self.passages_embedded, 'passage')} embedded in {self.seconds:.1f} s"
        ]
        if self.skipped:
            counts = ", ".join(f"{count} {reason}" for reason, count in self.skipped_counts().items())
            lines.append(f"{len(self.skipped)} skipped ({counts})")
        if self.duplicates:
            duplicates = counted(len(self.duplicates), "byte-identical duplicate file")
            lines.append(f"{duplicates} recorded beside the copy indexed")
        if self.near_duplicates:
            lines.append(f"{counted(self.near_duplicates, 'pair')} of articles found to be copies of one story")
        return "\n".join(lines)

    def skipped_counts(self) -> dict[str, int]:
        """How many files were skipped for each reason."""
        return dict(Counter(item["reason"] for item in self.skipped))


# Called with (done so far, to do, what, passages embedded so far) from the start of a run: "hashing" counts files,
# "embedding" (reading articles, embedding their passages with their sentences) bytes of the files read; lets the CLI
# draw a progress bar (with the rate of passages and the time left).
Progress = Callable[[int, int, str, int], None]


EmbeddingGroup = tuple[int, list[tuple[bytes, str]]]  # (how many passages, [(key, text)]): see _embedding_groups
Embedded = tuple[int, list[bytes], np.ndarray]  # a group embedded: how many passages, its keys, their vectors


class Embedder(Protocol):
    """Embeds groups and hands each back as soon as it is done (in any order): in this process or on a cluster."""

    dimension: int

    def embedded(self, groups: list[EmbeddingGroup]) -> Iterator[Embedded]: ...


def embed_group(encoder: onnx_encoder.OnnxEncoder, group: EmbeddingGroup) -> Embedded:
    passages, todo = group
    return passages, [key for key, _ in todo], encoder.encode([text for _, text in todo])


class LocalEmbedder:
    """Embeds groups in this process, one a core at a time, each on one thread of a shared session: threads of one
    run meet at every operator, which on short texts (and on a busy machine) costs more than it saves."""

    def __init__(self, directory: Path, spec: ModelSpec):
        self.workers = os.cpu_count() or 1
        self.encoder = onnx_encoder.OnnxEncoder(directory, spec, bulk=True, threads=1)
        self.dimension = self.encoder.dimension

    def embedded(self, groups: list[EmbeddingGroup]) -> Iterator[Embedded]:
        pool = ThreadPoolExecutor(self.workers)
        try:
            running: set[Future[Embedded]] = set()
            for group in groups:  # a few groups ahead of what is stored, not all of them
                if len(running) >= 2 * self.workers:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in finished)
                running.add(pool.submit(embed_group, self.encoder, group))
            yield from (future.result() for future in as_completed(running))
        finally:
            pool.shutdown(cancel_futures=True)


def embedding_key(model: ModelSpec, search_text: str) -> bytes:
    """Vectors are cached by model and embedded text: equal text is never embedded twice."""
    return hashlib.sha256(f"{model.sha256}\0{search_text}".encode()).digest()[:VECTOR_KEY_BYTES]


def indexed_model(manifest: Manifest, model_path: Path | None, rebuild: bool) -> ModelSpec:
    """The model the update embeds with: the index's own (as its manifest records it), or the one given, verified."""
    if rebuild or not manifest.model_sha256:
        return resolve_model(model_path)
    if model_path is None:
        return manifest.model
    model = resolve_model(model_path)
    check_same_model(manifest, model)
    return model


class _Embedding:
    """The update's embedder with the index's ONNX encoder, made when first needed, and the encoder's digest: when
    the encoder is not intact, it is copied from the cache, else exported (from verified weights) and cached."""

    def __init__(
        self,
        directory: Path,
        manifest: Manifest,
        model: ModelSpec,
        model_path: Path | None,
        rebuild: bool,
        intact: bool,
        make_embedder: Callable[[Path, ModelSpec], Embedder],
    ):
        self.directory, self.manifest, self.model = directory, manifest, model
        self.model_path, self.rebuild, self.intact, self.make_embedder = model_path, rebuild, intact, make_embedder
        self.embedder: Embedder | None = None
        self.onnx_sha256 = manifest.onnx_sha256

    def embedder_now(self) -> Embedder:
        if self.embedder is None:
            self.embedder, self.onnx_sha256 = self._made()
        return self.embedder

    def digest_and_dimension(self) -> tuple[str, int]:
        """The encoder's digest and the vectors' dimension, once the encoder is in place (put there now if not)."""
        if not self.intact:
            self.embedder_now()
        return self.onnx_sha256, self.embedder.dimension if self.embedder else self.manifest.dimension

    def _made(self) -> tuple[Embedder, str]:
        if self.intact:
            return self.make_embedder(self.directory, self.model), self.manifest.onnx_sha256
        taken_from_manifest = not self.rebuild and self.model_path is None and self.manifest.model_sha256
        spec = model_for_index(self.manifest, None) if taken_from_manifest else self.model
        digest = onnx_encoder.install_cached(self.directory, spec)
        if digest is None:
            digest = onnx_encoder.export(SentenceTransformersEncoder(spec), self.directory)
            onnx_encoder.remember(self.directory, spec, digest)
        return self.make_embedder(self.directory, spec), digest


class _Writer:
    """The articles an update writes: read, embedded and staged a batch of BATCH passages at a time, so that an
    update holds one batch in memory whatever the size of its archive, and an interrupted one keeps the vectors of
    every group embedded. Progress is counted in bytes of the files written (a file of records: up to its record), a
    batch's bytes reached as its groups are embedded."""

    def __init__(
        self,
        store: Store,
        embedding: _Embedding,
        reuse: Store | None,
        rebuild: bool,
        progress: Progress | None,
        sizes: dict[str, int],
    ):
        self.store, self.embedding, self.reuse, self.rebuild, self.progress = store, embedding, reuse, rebuild, progress
        self.sizes, self.total = sizes, sum(sizes.values())
        self.finished = 0  # bytes of the files read to their end
        self.current: str | None = None  # the content hash of the file being read
        self.offset = 0  # bytes of it read
        self.written = 0  # bytes read whose articles are staged (a batch's, as its groups are embedded)
        self.pending: list[NewArticle] = []
        self.pending_passages = 0
        self.fresh: set[bytes] = set()  # vectors a rebuild embedded already: equal texts are embedded once a run
        self.passages_embedded = self.sentences_embedded = self.passages_done = 0

    def reading(self, digest: str) -> None:
        """The next file is being read (by its content hash)."""
        if self.current is not None:
            self.finished += self.sizes[self.current]
        self.current, self.offset = digest, 0
        self._passed()

    def reached(self, offset: int | None) -> None:
        """So many bytes of the current file are read (shown each MiB: records unchanged are passed over fast)."""
        if offset is not None:
            crossed = offset >> 20 != self.offset >> 20
            self.offset = offset
            if crossed:
                self._passed()

    def add(self, article: NewArticle) -> None:
        signature = Signature.of_passages(p.chunk.text for p in article.passages)  # staged with it, to find copies
        self.pending.append(replace(article, signature=signature))
        self.pending_passages += len(article.passages)
        if self.pending_passages >= BATCH:
            self.flush()

    def drop(self, paths: list[str]) -> None:
        """Forget the articles at the paths, staged or not (their file could not be read to its end)."""
        dropped = set(paths)
        self.pending = [article for article in self.pending if article.path not in dropped]
        self.pending_passages = sum(len(article.passages) for article in self.pending)
        self.store.unstage(dropped)

    def flush(self) -> None:
        """Embed the missing vectors of the articles read since the last batch, and stage them."""
        if not self.pending:
            return
        texts = {}
        for new in (passage for article in self.pending for passage in article.passages):
            texts[new.embedding_key] = new.chunk.search_text
            texts.update((sentence.embedding_key, sentence.search_text) for sentence in new.sentences)
        missing = set(texts) - self.fresh if self.rebuild else set(self.store.missing_embeddings(texts))
        if self.reuse and missing:
            missing -= self.store.take_embeddings(self.reuse, missing)
        if missing:
            passage_keys = {passage.embedding_key for article in self.pending for passage in article.passages}
            embedder = self.embedding.embedder_now()
            groups = _embedding_groups(self.pending, texts, missing)
            began, batch, done, passages = self.written, self._read() - self.written, 0, sum(n for n, _ in groups)
            for count, keys, vectors in embedder.embedded(groups):
                self.store.put_embeddings(keys, vectors, passage_keys)
                self.passages_done += count
                done += count
                self._report(began + batch * done // passages)
            self.passages_embedded += len(missing & passage_keys)
            self.sentences_embedded += len(missing - passage_keys)
            if self.rebuild:
                self.fresh |= missing
        self.store.stage(self.pending)
        self.pending, self.pending_passages = [], 0
        self._passed()

    def _read(self) -> int:
        return min(self.finished + self.offset, self.total)

    def _passed(self) -> None:
        """What is read is written too, unless articles wait for their batch."""
        if not self.pending:
            self._report(self._read())

    def _report(self, written: int) -> None:
        self.written = written
        if self.progress:
            self.progress(written, self.total, "embedding", self.passages_done)


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
    forget: tuple[Path, ...] = (),
) -> IndexSummary:
    """Index paths (added to the recorded sources with these globs) incrementally, in one visible commit.

    Byte-identical files are one article, stored under the path already indexed (else the
    shallowest, then first in order) with the others recorded beside it. Each record of a file of
    records is an article of its own. `fields` names the fields of records (`{"text": "body_html"}`),
    recorded with the paths. One update runs at a time: another waits for it to finish (say is
    called first, to say so), at most `wait` seconds if given. follow_links and max_bytes, when given,
    are recorded for the later updates of the index. The index may be one shard of a sharded index (`shard`):
    it then takes only the articles routed to it. New vectors are computed by the embedder `make_embedder` makes
    from the index folder and the model (LocalEmbedder, or qa.ray_embedding.RayEmbedder on a cluster). The recorded
    sources `forget` names are no longer read, and their articles are removed (a source that cannot be found keeps
    its articles until then: it may be a drive unplugged).
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
        recorded = store.sources()
        sources, forgotten = sources_to_read(recorded, paths, include, exclude, forget, not manifest.complete)
        files, skipped = scan(sources.values(), settings.follow_links)
        max_file_bytes = settings.max_file_bytes
        field_names = dict(manifest.record_fields)
        field_names.update((path_text(p.resolve()), fields) for p in paths if fields is not None)
        if not manifest.complete and shard is None:
            store.record_first_build(sources.values(), field_names)

        # an unmounted folder keeps its articles; a rebuild, which drops every article first, would lose them
        reachable = [source for source in sources if path_from_text(source).exists()]
        if rebuild and (unreachable := sources.keys() - set(reachable)):
            raise IndexUpdateError(
                f"cannot rebuild: the source {min(unreachable)} cannot be found (reconnect it, or --forget it)"
            )
        stored = {} if rebuild else store.article_versions(under=reachable)
        rechunk = manifest.chunker_version != str(CHUNKER_VERSION)
        summary = IndexSummary(skipped=skipped)
        present = set()
        indexed = stored if shard is None else shard.indexed
        keeps = shard.keeps if shard else None
        groups = _identical_files(files, indexed, summary, max_file_bytes, progress)
        # the encoder's files are hashed whole before it embeds anything: no remembered digest is trusted here
        intact = not rebuild and onnx_encoder.is_intact(store.directory, manifest, verify=True)
        embedding = _Embedding(store.directory, manifest, model, model_path, rebuild, intact, make_embedder)
        store.clear_staged()
        writer = _Writer(store, embedding, shard.reuse if shard else None, rebuild, progress, _sizes(groups))
        for digest, group in groups.items():
            key, also_at = path_text(group[0]), tuple(path_text(path) for path in group[1:])
            writer.reading(digest)
            if record_format(group[0]):
                mapping = _fields_for(group[0], field_names)
                try:
                    keys = _records(group[0], mapping, also_at, stored, rechunk, model, summary, writer, keeps)
                except IngestError as error:
                    summary.skipped += [{"path": path_text(path), "reason": error.reason} for path in group]
                    continue
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
                writer.add(NewArticle(key, digest, article.title, article.metadata, _passages(article, model), also_at))
                if previous:
                    summary.updated += 1
                else:
                    summary.added += 1
            present.add(key)
            summary.duplicates += [{"path": path, "same_as": key} for path in also_at]
        writer.flush()
        removed = [path for path in stored if path not in present]
        if forgotten:  # their articles, but those a source still read holds (a folder around a file forgotten)
            held = present | set(removed) | set(store.article_versions(under=list(sources)))
            removed += [path for path in store.article_versions(under=forgotten) if path not in held]
        summary.removed = len(removed)
        summary.passages_embedded = writer.passages_embedded
        summary.sentences_embedded = writer.sentences_embedded
        onnx_sha256, dimension = embedding.digest_and_dimension()

        written = summary.added or summary.updated
        copies, signed = _copies(store, removed, rebuild, shard.signatures if shard else ()) if written else ((), {})
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
                wipe=rebuild,
                copies=copies,
                signed=signed,
            )
            try:
                vector_index.refresh(store)
            except OSError as error:  # committed already; the next reader rebuilds the cache from stored vectors
                summary.warnings.append({"path": str(store.directory), "warning": f"FAISS cache not written ({error})"})
            if rebuild or store.passage_count() >= 2 * (manifest.passages or 0):
                # most vectors are new (a first build, a rebuild): their table, filled in no order of their keys
                # (hashes), is packed
                store.compact()
        store.checkpoint()
        summary.seconds = round(time.perf_counter() - began, 3)
        return summary


def sources_to_read(
    recorded: list[Source],
    paths: list[Path],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    forget: tuple[Path, ...] = (),
    first_build: bool = False,
) -> tuple[dict[str, Source], list[str]]:
    """The sources an update reads, by path (the recorded ones less those forgotten, and the paths given with their
    globs; ./seeds for a first build given none), and the paths of those forgotten. Refuses a path that does not
    exist, a source to forget that is not recorded or is given too, and a first build with nothing to read."""
    for path in paths:
        if not path.exists():
            raise IndexUpdateError(f"no such file or folder: {path}")
    sources = {source.path: source for source in recorded}
    given = {path_text(p.resolve()): Source(path_text(p.resolve()), include, exclude) for p in paths}
    forgotten = [path_text(p.resolve()) for p in forget]
    for path in forgotten:
        if path in given:
            raise IndexUpdateError(f"{path} is both given and to be forgotten: name it once")
        if sources.pop(path, None) is None:
            raise IndexUpdateError(f"not a recorded source: {path} (`qa info` lists them)")
    sources.update(given)
    if not sources and first_build:
        if not DEFAULT_SOURCE.is_dir():
            raise IndexUpdateError(f"nothing to index: give a file or folder (no ./{DEFAULT_SOURCE} here)")
        default = path_text(DEFAULT_SOURCE.resolve())
        sources = {default: Source(default)}
    return sources, forgotten


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
            progress(number, len(files), "hashing", 0)
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


def _sizes(groups: dict[str, list[Path]]) -> dict[str, int]:
    """The size of each group's first file (0 if it is gone since): how progress counts what is read."""
    sizes = {}
    for digest, group in groups.items():
        try:
            sizes[digest] = group[0].stat().st_size
        except OSError:
            sizes[digest] = 0
    return sizes


def _copies(
    store: Store, removed: list[str], rebuild: bool, elsewhere: tuple[Signed, ...]
) -> tuple[set[tuple[str, str]], dict[str, Signature]]:
    """The pairs of copies among the staged articles and the others kept (here, and `elsewhere`: in the other shards
    of a sharded index), and the signatures of kept articles signed here from their stored passages (those stored
    before their signature was kept whole), to store."""
    staged = store.staged_signatures()
    gone = set(removed)
    unsigned = [] if rebuild else [path for path in store.unsigned_articles() if path not in gone]
    signed = {path: Signature.of_passages(p.text for p in store.article_passages(path)) for path in unsigned}
    kept = () if rebuild else (store.signatures(leaving_out=removed),)
    return links([staged, signed.items()], [*kept, *elsewhere]), signed


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
    writer: _Writer,
    keeps: Callable[[str], bool] | None = None,
) -> list[str]:
    """Hand the writer the new or changed records of a file of records (those `keeps` keeps) as articles, and return
    the keys of all its records; only a record whose bytes changed is read into an article. Raises IngestError when
    the file cannot be read on, with its articles taken back from the writer."""
    from qa.formats.records import BadRecord, Record

    keys, written, counts, problems = [], [], Counter(), []
    try:
        for record in read_records(path, mapping):
            if isinstance(record, Record):
                writer.reached(record.offset)
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
            written.append(key)
            writer.add(
                NewArticle(key, record.digest, article.title, article.metadata, _passages(article, model), also_at)
            )
            counts["updated" if previous else "added"] += 1
            keys.append(key)
    except IngestError:
        writer.drop(written)
        raise
    summary.skipped += problems
    summary.added += counts["added"]
    summary.updated += counts["updated"]
    summary.unchanged += counts["unchanged"]
    return keys


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
        keys = [key for key in dict.fromkeys(k for passage in members for k in passages[passage]) if key not in seen]
        seen.update(keys)
        groups.append((len(members), sorted(((key, texts[key]) for key in keys), key=lambda item: len(item[1]))))
    return groups
