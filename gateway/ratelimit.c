/* ratelimit: not written yet. */
