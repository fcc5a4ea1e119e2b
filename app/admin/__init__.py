"""Administration of an organisation's people: inviting, changing roles, deactivating."""
