"""The knowledge base: the guide model, loading with line numbers, validation and the JSON Schema."""
