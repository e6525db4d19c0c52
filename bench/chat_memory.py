"""Does a long chat's memory stay flat? RSS of one `qa chat` process over thousands of distinct questions.

    python bench/chat_memory.py [INDEX] [QUESTIONS]

Pipes QUESTIONS (10,000 by default) distinct questions, made from the seed articles' words,
to `qa chat -k 1` and prints the process's resident memory after every tenth of them.
INDEX (/tmp/qa-chat-memory-index by default) is built over seeds/ when it does not exist.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def questions(count: int) -> list[str]:
    """Distinct questions: a question word and three to six words of the seed articles."""
    words = sorted(
        {w.lower() for p in (ROOT / "seeds").glob("*.txt") for w in re.findall(r"[A-Za-z]{4,}", p.read_text())}
    )
    chance = random.Random(14)
    asked: dict[str, None] = {}
    while len(asked) < count:
        start = chance.choice(["Who", "What", "When", "How many", "Where", "Why did"])
        asked[f"{start} {' '.join(chance.sample(words, chance.randint(3, 6)))}?"] = None
    return list(asked)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "index", nargs="?", type=Path, default=Path("/tmp/qa-chat-memory-index"), metavar="INDEX", help="the index"
    )
    parser.add_argument(
        "count", nargs="?", type=int, default=10_000, metavar="QUESTIONS", help="distinct questions asked"
    )
    args = parser.parse_args()
    index, count = args.index.resolve(), args.count  # the commands below run in the repository
    if not (index / "qa.sqlite").exists():
        subprocess.run([sys.executable, "-m", "qa", "--index", str(index), "index", "seeds"], cwd=ROOT, check=True)
    asked = questions(count)
    chat = subprocess.Popen(
        [sys.executable, "-m", "qa", "--index", str(index), "chat", "-k", "1"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )

    def feed() -> None:
        for question in asked:
            chat.stdin.write(question + "\n")
        chat.stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    began = time.perf_counter()
    answered = 0
    step = max(1, count // 10)
    print(f"{'questions':>10} {'RSS MB':>8} {'seconds':>8}")
    for line in chat.stdout:
        if line.startswith("» "):
            answered += 1
            if answered == 1 or answered % step == 0:
                print(f"{answered:>10,} {rss_mb(chat.pid):>8.1f} {time.perf_counter() - began:>8.0f}", flush=True)
    chat.wait()


if __name__ == "__main__":
    main()
