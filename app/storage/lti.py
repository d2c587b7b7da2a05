"""LTI 1.3 state: platforms, nonces, launches, line items and grade posts (tables and queries)."""
