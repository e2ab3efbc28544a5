"""Event rules (事件规则) on imported changes, and the alerts (预警) they raise for operators."""
