"""The writer's craft in numbers: win conditions, style fingerprints, style names, prompt
templates and the test bench's scoring."""
