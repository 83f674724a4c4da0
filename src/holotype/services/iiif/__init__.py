"""IIIF over the portal's media: the Image API (:mod:`.images`: information documents and
images from pyramids), and Presentation API 3.0 documents built with ``iiif-prezi3``: a
record's manifest (:mod:`.manifests`, with a drawer's hotspots as Web Annotations:
:mod:`.hotspots`), and the collections of a search's result page or a dataset
(:mod:`.collections`). Which media the portal's image server serves, and how big they are:
:mod:`.served`."""
