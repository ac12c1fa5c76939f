"""The application around the screens: app start, main window, start page, settings, the
open project document with its undo commands, workers and the error dialog."""
