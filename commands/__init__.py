"""The CLI's command groups (the entry point is chartfile.cli)."""
