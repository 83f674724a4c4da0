"""The settings of error reports (part of :class:`holotype.config.Settings`, kept here so the
settings module stays small): the rate limit and the spam guard of anonymous reports."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReportSettings(BaseModel):
    error_reports_per_hour: int = Field(
        default=10, ge=0, description="Error reports (the record page's form or the API's "
        "report_create) one client (by address) may send per hour; 0 turns the limit off.")
    error_report_min_seconds: int = Field(
        default=3, ge=0, le=3600, description="Fewest seconds between showing the error report "
        "form and an anonymous visitor sending it (a robot fills a form at once).")
    error_report_max_links: int = Field(
        default=2, ge=0, le=100, description="Most web links (http://, https://, www.) an error "
        "report's text may hold; a report with more is refused as spam.")
