"""A local index: one folder holding a SQLite file (FTS5 inside) and a FAISS cache."""
