"""Embedding on a Ray cluster: a pool of actors, one a CPU the cluster offers, each with the index's ONNX encoder.

The encoder's files travel through Ray's object store, so a node needs no copy of the index
folder. Finished groups come back in the order they finish. An actor lost with its node is
restarted elsewhere by Ray and its group run again (`max_restarts`, `max_task_retries`); an
actor with nothing left to do is ended at once, so that its CPU can take such a restart.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import ray
from ray.util import ActorPool

from qa.errors import QAError
from qa.indexer import Embedded, EmbeddingGroup, embed_group
from qa.manifest import ModelSpec
from qa.onnx_encoder import ENCODER_FILES, OnnxEncoder


@ray.remote(
    num_cpus=1, max_restarts=-1, max_task_retries=-1, runtime_env={"env_vars": {"TOKENIZERS_PARALLELISM": "false"}}
)
class EncoderActor:
    """The index's encoder on one CPU of a node, made from its files' bytes at the first call (and again after a
    restart: the files come with every call, by reference, and Ray keeps them while the driver holds them)."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.encoder: OnnxEncoder | None = None

    def _loaded(self, files: list[ray.ObjectRef]) -> OnnxEncoder:
        if self.encoder is None:
            with tempfile.TemporaryDirectory(prefix="qa-encoder-") as folder:
                for name, data in ray.get(files[0]).items():
                    (Path(folder) / name).write_bytes(data)
                self.encoder = OnnxEncoder(Path(folder), self.spec, bulk=True, threads=1)
        return self.encoder

    def dimension(self, files: list[ray.ObjectRef]) -> int:
        return self._loaded(files).dimension

    def embed(self, files: list[ray.ObjectRef], group: EmbeddingGroup) -> Embedded:
        return embed_group(self._loaded(files), group)


class RayEmbedder:
    """Embeds groups on the cluster this process is connected to (qa.ray_cluster.connect)."""

    def __init__(self, directory: Path, spec: ModelSpec):
        # in a list: handed over by reference, fetched once by each actor
        self.files = [ray.put({name: (directory / name).read_bytes() for name in ENCODER_FILES})]
        workers = int(ray.cluster_resources().get("CPU", 0))
        if not workers:
            raise QAError("the Ray cluster offers no CPU to embed with")
        self.actors = [EncoderActor.remote(spec) for _ in range(workers)]
        self.dimension = ray.get(self.actors[0].dimension.remote(self.files))

    def embedded(self, groups: list[EmbeddingGroup]) -> Iterator[Embedded]:
        pool = ActorPool(self.actors)
        for group in groups:
            pool.submit(lambda actor, group: actor.embed.remote(self.files, group), group)
        while True:
            while (idle := pool.pop_idle()) is not None:  # nothing left to give it
                ray.kill(idle)
            if not pool.has_next():
                return
            yield pool.get_next_unordered()
