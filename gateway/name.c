/* name: not written yet. */
