/* blockpage: not written yet. */
