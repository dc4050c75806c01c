"""Region catalogue files: the documented, versioned format and its loader."""
