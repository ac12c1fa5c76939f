"""Fake training-service servers for the tests: real HTTP on 127.0.0.1, started by the tests."""
