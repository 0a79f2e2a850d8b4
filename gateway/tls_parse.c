/* tls_parse: not written yet. */
