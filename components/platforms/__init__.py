"""One module per platform: turn a validated spec into that platform's Pulumi resources."""
