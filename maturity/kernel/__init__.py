"""The kernel: errors and URL normalisation, which every floor may use."""
