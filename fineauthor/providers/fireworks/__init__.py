"""Fireworks AI: datasets and supervised fine-tuning jobs through its REST API."""
