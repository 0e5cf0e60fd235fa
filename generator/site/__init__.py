"""The website: guides → Markdown pages per language, and the MkDocs hook that builds each language."""
