"""Three-step verification (三步核验) of an enterprise or agency, one at a time or in batches."""
