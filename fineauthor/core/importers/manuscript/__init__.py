"""Manuscripts (.txt, .md, .docx) read as paragraphs and split into chapters or scenes that
become examples: each piece of the writer's own prose is a response, its prompt the writer's
template."""
