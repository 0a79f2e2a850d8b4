/* i18n: not written yet. */
