/* journal_read: not written yet. */
