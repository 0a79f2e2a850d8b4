/* cli_daemon: not written yet. */
