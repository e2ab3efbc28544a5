"""Enterprise search: name normalisation, the index (hook and rebuild), backends and ranking."""
