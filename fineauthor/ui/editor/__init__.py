"""The side-by-side example editor and the example list beside it."""
