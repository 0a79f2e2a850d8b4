/* domainset: not written yet. */
