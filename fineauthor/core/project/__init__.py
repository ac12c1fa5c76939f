"""The project: the document a writer works on, its SQLite file and its schema."""
