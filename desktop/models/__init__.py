"""Qt models over the engine's reads."""
