/* urlset: not written yet. */
