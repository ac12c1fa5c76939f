"""FineAuthor: teach an AI model to write in your voice."""

__version__ = "0.1.0"
APP_NAME = "FineAuthor"
PROJECT_SUFFIX = ".fineauthor"  # a project file's name ends so
