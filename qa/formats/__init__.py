"""One reader per article format; qa.ingest.read_article picks one by file suffix."""
