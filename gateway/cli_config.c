/* campusgate config check: load the configuration and print its errors or "configuration OK". */
