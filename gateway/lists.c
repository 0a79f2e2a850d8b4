/* lists: not written yet. */
