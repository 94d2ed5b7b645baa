"""Views of the resident web channel, one module per part of the service."""
