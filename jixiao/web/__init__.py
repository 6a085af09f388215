"""Helpers shared by the back-office pages of every app: permission decorator, pagination,
staged uploads for two-step imports, the home page and the context switcher."""
