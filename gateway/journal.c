/* journal: not written yet. */
