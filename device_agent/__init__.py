"""igfarm device_agent."""
