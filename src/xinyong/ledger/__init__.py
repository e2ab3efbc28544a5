"""Transparency ledger: an RFC 9162 Merkle log with signed checkpoints and evidence bundles."""
