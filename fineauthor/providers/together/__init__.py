"""Together AI's fine-tuning REST API."""
