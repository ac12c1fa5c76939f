"""Training services and the keychain. The only layer that talks to the network; never imports Qt."""
