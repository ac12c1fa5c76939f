"""Train, watch, the jobs list and the service accounts."""
