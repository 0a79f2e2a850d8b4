/* flow: not written yet. */
