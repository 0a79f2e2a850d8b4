/* dns_cache: not written yet. */
