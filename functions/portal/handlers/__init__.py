"""Thin Powertools handlers: routes, request and response schemas, errors mapped to HTTP."""
