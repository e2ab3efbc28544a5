"""Contract review: find the mandatory clauses however phrased, flag unlawful or unfair terms."""
