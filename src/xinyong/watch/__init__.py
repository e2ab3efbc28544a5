"""Watch lists: enterprises a signed-in person follows, and alerts when their records, lists or grade change."""
