"""The record core: schema, reading and writing records and the taxonomy, validation, exports.

Nothing here imports from the layers above (contrib, importers, site, baselines, commands).
"""
