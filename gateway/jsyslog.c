/* jsyslog: not written yet. */
