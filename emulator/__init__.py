"""igfarm emulator."""
