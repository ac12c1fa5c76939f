"""Qt-free, network-free heart of FineAuthor: projects, datasets, tokens, checks, estimates."""
