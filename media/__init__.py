"""igfarm media."""
