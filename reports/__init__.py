"""Pure renderers: scorecards and runs in, strings out."""
