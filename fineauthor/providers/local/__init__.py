"""A chat server on the writer's own computer (Ollama, LM Studio, llama.cpp, vLLM): it writes
prompts from prose without the prose leaving the machine. It never trains."""
