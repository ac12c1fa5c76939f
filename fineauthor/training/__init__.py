"""Qt-free workflows over core and providers: prepare, upload, create, resume and watch.

Each is a plain function (or a small class) that takes a progress callback and a cancel flag;
the app runs them in workers and the command line runs them directly."""
