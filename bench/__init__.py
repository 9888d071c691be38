"""The benchmark suite: data generator, runners and scenarios."""
