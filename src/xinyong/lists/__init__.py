"""Red and black lists (红黑名单), objections (异议) and credit repair (信用修复)."""
