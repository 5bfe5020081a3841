"""Driver backends: uiautomator2 (default for real phones), Appium, and the simulated phone."""
