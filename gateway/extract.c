/* extract: not written yet. */
