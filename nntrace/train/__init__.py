"""Training: data, the loop, the loss curve, the verdict, and stopping cleanly on a signal."""
