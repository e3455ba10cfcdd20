"""Renderers: terminal (rich), Markdown, JSON, standalone HTML."""
