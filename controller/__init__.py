"""igfarm controller."""
