"""People's own data (GDPR art. 15, 17 and 20): seeing it, downloading it, clearing and erasing it."""
