/* cli_check: not written yet. */
