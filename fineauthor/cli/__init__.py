"""The command line: one module per command group, one home for exit codes (DESIGN §6)."""
