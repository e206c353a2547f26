"""The website: records and taxonomy turned into markdown, data files and plots, then built by mkdocs-material."""
