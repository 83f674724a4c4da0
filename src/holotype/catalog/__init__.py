"""The catalogue: SQL models and Alembic migrations for organisations, users, datasets, resources.

Nothing here opens a connection at import time; see :mod:`holotype.catalog.db`.
"""
