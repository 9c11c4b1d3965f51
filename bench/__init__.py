"""Benchmarks and evaluation-corpus tooling for chartfile."""
