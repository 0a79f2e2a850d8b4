/* decode: not written yet. */
