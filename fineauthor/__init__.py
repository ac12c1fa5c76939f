"""FineAuthor: teach an AI model to write in your voice."""

__version__ = "0.1.0"
APP_NAME = "FineAuthor"
