"""Contributor tools: the arXiv client, tagging, add, refresh, link checking and the suggest-paper workflow.

The only code that touches the network.
"""
