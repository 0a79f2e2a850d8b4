/* policy: not written yet. */
