/* review: not written yet. */
