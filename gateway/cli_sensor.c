/* cli_sensor: not written yet. */
