/* dns_msg: not written yet. */
