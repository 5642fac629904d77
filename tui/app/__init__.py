"""The Textual viewer."""
