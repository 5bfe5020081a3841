"""igfarm flows."""
