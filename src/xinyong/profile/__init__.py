"""The enterprise profile: every domain's view of one enterprise, side by side."""
