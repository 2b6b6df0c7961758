"""Pure functions from specs to the files and API payloads platforms deploy (no Pulumi here)."""
