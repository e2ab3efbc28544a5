"""Risk rating (信用评级): a versioned scorecard, nine grades, warning colours, explanations, history."""
