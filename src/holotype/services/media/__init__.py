"""Media use cases: the registry of the media records name, and the files behind them."""
