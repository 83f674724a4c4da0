"""Durable background work: the download queue in the catalogue and the workers that drain it."""
