"""The pure flow engine: flows as data, steps in, state and replies out."""
