"""Substrate's engine: reading a vault of markdown notes into a SQLite index, and the queries
the app and the command line ask of it. Never imports Qt."""
