"""OpenAI's fine-tuning API (and servers that speak it) through the openai SDK."""
