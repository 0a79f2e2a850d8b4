/* report: not written yet. */
