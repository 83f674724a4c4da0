"""Darwin Core Archive: one occurrence core for every resource, with meta.xml and eml.xml
(built by :mod:`holotype.services.downloads.dwca`)."""

from __future__ import annotations

from dataclasses import dataclass

from holotype.services.downloads.dwca import DatasetMeta, archive_members, eml_xml
from holotype.services.downloads.formats import register
from holotype.services.downloads.formats.provider import DownloadFormat, Output, Split, Written
from holotype.services.downloads.package import Credit


def dataset_meta(credit: Credit, site_name: str) -> DatasetMeta:
    d = credit.dataset
    return DatasetMeta(d.title, d.description, d.organisation or site_name,
                       tuple(c.name for c in d.creators), d.licence.title, d.licence.url,
                       d.keywords, credit.citation(site_name))


@dataclass(frozen=True)
class DwcaFormat(DownloadFormat):
    def write(self, out: Output) -> Written:
        about = out.about
        part = out.parts[0]
        members, meta = archive_members(out.records, part.views, part.fields, about.base_url,
                                        about.total)
        eml = eml_xml(about.download_id, about.site_name, about.status_url, about.generated,
                      [dataset_meta(c, about.site_name) for c in about.credits], about.total,
                      about.citation)
        return Written(members, {"meta.xml": meta, "eml.xml": eml})


register(DwcaFormat(
    "dwca", "Darwin Core Archive", "txt", "text/tab-separated-values", aliases=("dwc",),
    split=Split.WHOLE_SET))
