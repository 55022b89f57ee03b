"""The engine layer: everything the lab runs a program on."""
