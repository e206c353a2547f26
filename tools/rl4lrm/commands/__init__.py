"""One thin module per verb of the `rl4lrm` command (see cli.VERBS): ``configure(parser)`` declares its arguments,
``run(args)`` calls the layers below (kb, contrib, importers, site, baselines) and turns their errors into messages.
"""
