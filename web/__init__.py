"""web: the clerks' review desk in a browser (`chartfile serve`), an edge beside the CLI.

It parses requests, checks who is signed in and what their role allows, and renders pages; every piece of
work is a `clerk` function called with a ledger whose actor is the signed-in person and their address, so
the web and the CLI share one copy of the logic and one audit trail. It may import what the CLI may.
"""
