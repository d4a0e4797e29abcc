"""Demo data: months of realistic activity at the demo school, made through the real services."""
