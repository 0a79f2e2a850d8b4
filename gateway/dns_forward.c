/* dns_forward: not written yet. */
