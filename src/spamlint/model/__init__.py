"""The finished data the pipeline passes on: Document and its records, Finding and Severity."""
