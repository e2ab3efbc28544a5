"""Platform statistics for operators and auditors (complaints, grades, SLA, recovery), and the
console's read side of agency approvals and the access audit log."""
