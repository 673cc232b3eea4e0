"""Rule loading and validation, running rules over a Document, suppressions, scoring, batches."""
