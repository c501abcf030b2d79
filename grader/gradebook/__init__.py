"""Use cases shared by the CLI and the TUI: thin compositions of files, store and domain."""
