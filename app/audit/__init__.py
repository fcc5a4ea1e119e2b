"""The audit trail: recording security-relevant actions, and the admin's page and CSV over them."""
