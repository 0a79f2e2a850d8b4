/* journal_format: not written yet. */
