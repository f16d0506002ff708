"""Services over storage: ingestion (documents → stored reports), the open-data export, the demo data."""
