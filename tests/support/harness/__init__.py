"""Benchmark-style harnesses, run by hand, not timed tests:
``python -m tests.support.harness.crash``."""
