"""The website: guides → Markdown pages, the MkDocs hook and the fixes static-i18n leaves undone."""
