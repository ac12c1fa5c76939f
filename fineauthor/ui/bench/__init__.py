"""The test bench: the trained model and the one it came from, side by side or blind."""
