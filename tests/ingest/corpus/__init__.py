"""A corpus of real Darwin Core Archive shapes for the ingest tests (issue 12).

``MEMBERS`` lists the archives Holotype ingests: the GBIF IPT's test archives in
``../shared/data/dwca-ipt/`` (third-party files, read in place, never copied into the repository)
and archives built at test time by code mirroring what real publishing tools write (the builder
modules say which tool each mirrors). ``REFUSED`` lists the files Holotype must refuse.

For each member the table gives the core records python-dwca-reader counts (None: it refuses the
archive) and the records Holotype ingests; where they differ the note says why.
"""
