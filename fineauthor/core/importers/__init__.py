"""Bringing a writer's material in: training files, ChatGPT exports, manuscripts and
spreadsheets."""
