"""Distribution maps: tiles, legends and click-through for any search at any version."""
