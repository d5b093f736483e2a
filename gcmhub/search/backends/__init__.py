"""Search backends: tantivy (default, in-process index) and PostgreSQL full text."""
