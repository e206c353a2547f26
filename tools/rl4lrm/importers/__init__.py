"""Importers that merge other collections (awesome-list READMEs, BibTeX files) into papers/."""
