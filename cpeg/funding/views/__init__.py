"""Pages for the annual funding process, one module per stage."""
