"""Training services and the keychain: the only layer that talks to the network.

Never imports Qt or the ui layer."""
