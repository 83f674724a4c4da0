"""A record's media: which images it has, where they come from and who holds their rights."""

from holotype.media.refs import (
    MEDIA_FIELDS,
    MediaRef,
    media_id,
    record_media,
    stored_name,
    stored_source,
)

__all__ = ["MEDIA_FIELDS", "MediaRef", "media_id", "record_media", "stored_name", "stored_source"]
