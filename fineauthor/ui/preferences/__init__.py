"""Your choices: the preference pairs (a prompt, the reply the writer preferred and the other
one) listed beside the examples, edited, swapped, deleted and checked."""
