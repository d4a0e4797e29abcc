"""Channels: thin translators between provider SDKs and the core."""
