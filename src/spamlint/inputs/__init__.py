"""Input kinds: read bytes and turn them into a Document (sniffing, MIME, decoding, templates, HTML scan, CSS)."""
