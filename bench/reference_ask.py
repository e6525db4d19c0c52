"""The one-shot baseline `qa ask` is measured against: sentence-transformers + FAISS doing the same search.

python bench/reference_ask.py INDEX "question"
"""

import sqlite3
import sys

import faiss
from sentence_transformers import SentenceTransformer

from qa.embedding import default_model_path

index_dir, question = sys.argv[1], sys.argv[2]
model = SentenceTransformer(str(default_model_path()), device="cpu")
db = sqlite3.connect(f"{index_dir}/qa.sqlite")
generation = db.execute("SELECT value FROM manifest WHERE key = 'generation'").fetchone()[0]
index = faiss.read_index(f"{index_dir}/vectors-{generation}.faiss")
scores, ids = index.search(model.encode([question], normalize_embeddings=True), 5)
for passage_id in ids[0]:
    print(db.execute("SELECT text FROM passages WHERE id = ?", (int(passage_id),)).fetchone()[0][:100])
