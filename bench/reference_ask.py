"""The one-shot baseline `qa ask` is measured against: sentence-transformers + FAISS doing the same search.

python bench/reference_ask.py INDEX "QUESTION"
"""

import argparse
import sqlite3

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("index_dir", metavar="INDEX", help="the index searched")
parser.add_argument("question", metavar="QUESTION", help="the question asked")
args = parser.parse_args()  # before importing torch, which takes seconds

import faiss  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

from qa.embedding import default_model_path  # noqa: E402

index_dir, question = args.index_dir, args.question
model = SentenceTransformer(str(default_model_path()), device="cpu")
db = sqlite3.connect(f"{index_dir}/qa.sqlite")
generation = db.execute("SELECT value FROM manifest WHERE key = 'generation'").fetchone()[0]
index = faiss.read_index(f"{index_dir}/vectors-{generation}.faiss")
scores, ids = index.search(model.encode([question], normalize_embeddings=True), 5)
for passage_id in ids[0]:
    print(db.execute("SELECT text FROM passages WHERE id = ?", (int(passage_id),)).fetchone()[0][:100])
