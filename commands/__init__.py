"""commands: the CLI's command groups (the entry point is chartfile.cli). The edge: it reads settings,
owns the one clock and the one actor (`commands/common.py`) and passes them down, parses arguments and
prints; the work is the clerk's, the daemon's or the pipeline's. It may import anything below it.
"""
