"""Baseline recipes and runners. Importing this package must stay light: no torch, no transformers."""
