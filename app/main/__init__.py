"""The start page, the language switcher and the health check: pages every visitor shares."""
