"""Domain services: school data, language, compliance, quick answers, and the flow actions."""
