"""Statistics and visual overviews (issue 16): figures computed through the same compiled
filters and policy as search, cached per resource version."""
