"""Parse and validate component args into frozen dataclasses, with one clear error per mistake."""
