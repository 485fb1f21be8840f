"""The use-cases the UI and the CLI call: owns settings, the client, the jobs and the library.
Qt-free, so the whole app can be driven from a test or a REPL."""
