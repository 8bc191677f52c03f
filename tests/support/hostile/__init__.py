"""Generated hostile office files (property-based tests of the ingestion)."""
