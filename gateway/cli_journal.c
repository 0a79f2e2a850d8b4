/* cli_journal: not written yet. */
