/* daemon: not written yet. */
