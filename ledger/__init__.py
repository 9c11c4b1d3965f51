"""ledger: the ground floor."""
