"""Reading plain-language messages into typed operations, for the offline planner.

clauses.py splits a message, references.py finds the shots a clause points at, formats.py reads
aspect ratios, frame rates and sizes, phrasings.py is the table of phrasings -> operations, and
request.py reads a request for a new video."""
