/* priv: not written yet. */
