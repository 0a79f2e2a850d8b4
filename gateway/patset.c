/* patset: not written yet. */
