"""Benchmarks (``make bench``): each ``bench_*.py`` is a script printing a Markdown section."""
