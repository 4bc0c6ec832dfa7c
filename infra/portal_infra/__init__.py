"""Tooling around the functions: the embedded gateway, table creation from template.yaml, the site generator."""
