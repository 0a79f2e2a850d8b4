/* http_parse: not written yet. */
