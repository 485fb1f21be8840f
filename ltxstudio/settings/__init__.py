"""Preferences (a typed, versioned JSON file) and the API key (OS keyring only). No Qt."""
