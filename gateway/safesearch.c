/* safesearch: not written yet. */
