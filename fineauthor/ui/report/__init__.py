"""The check report: problems and advice, the length chart and the cost."""
