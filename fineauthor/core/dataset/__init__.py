"""Examples and what is done with them: JSONL, tokens, checks per service, phrases,
estimates and export."""
