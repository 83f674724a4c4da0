"""IIIF: the Image API over the portal's media (:mod:`.images`)."""
