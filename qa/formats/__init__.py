"""One reader per article format, and the Article they return (qa/article.py); qa.ingest picks the reader."""
