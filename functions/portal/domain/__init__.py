"""Pure business rules: standard library only (checked by import-linter)."""
