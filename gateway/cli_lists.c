/* cli_lists: not written yet. */
