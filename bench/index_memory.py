"""How an update's memory grows with the size of a file of records: reading, staging and the commit alone.

    nice -n 10 python bench/index_memory.py [ARCHIVE.jsonl] [--stories 1000 5000]

For each count, the first stories of ARCHIVE (by default the team's copy of reuters21578, read where it
lies) are written to a scratch JSON Lines file and indexed into a new index, in a process of their own,
with the encoder replaced by a stand-in giving random unit vectors: embedding costs the same per story
whatever the archive's size, and is measured by bench/index_throughput.py; what grows with the archive
is what an update holds. Prints peak resident memory and seconds for each count (the encoder comes from
the cache, so torch is never loaded).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = Path("/work/shared/bench/reuters21578/reuters21578.jsonl")


class RandomEmbedder:
    """Random unit vectors in place of the encoder's."""

    dimension = 384

    def __init__(self, directory: Path, spec) -> None:
        import numpy as np

        self.random = np.random.default_rng(0)

    def embedded(self, groups):
        import numpy as np

        for passages, todo in groups:
            vectors = self.random.standard_normal((len(todo), self.dimension)).astype(np.float32)
            yield passages, [key for key, _ in todo], vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def measure(records: Path, index: Path) -> None:
    """Index the records (in this process) and print the stories, seconds and peak memory."""
    sys.path.insert(0, str(ROOT))
    from qa import indexer
    from qa.backends.local.store import Store

    began = time.perf_counter()
    summary = indexer.update(Store.create(index), [records], make_embedder=RandomEmbedder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| {summary.added:,} | {summary.passages_embedded:,} | {time.perf_counter() - began:.0f} | {peak:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", nargs="?", type=Path, default=ARCHIVE)
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)  # RECORDS INDEX: one count
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    print("| stories | passages | seconds | peak memory (MB) |\n|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory(prefix="qa-index-memory-") as scratch:
        for count in args.stories:
            records = Path(scratch) / f"first-{count}.jsonl"
            with open(args.archive) as archive, open(records, "w") as out:
                for number, line in enumerate(archive):
                    if number >= count:
                        break
                    out.write(line)
            command = [sys.executable, __file__, "--measure", str(records), str(Path(scratch) / f"index-{count}")]
            subprocess.run(command, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
