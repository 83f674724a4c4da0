"""Use cases: plain functions over a database session, free of HTTP."""
