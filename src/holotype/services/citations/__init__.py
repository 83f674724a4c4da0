"""Citation: DOIs (dataset and query), query citations, citation formats and the changelog."""
