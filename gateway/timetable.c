/* timetable: not written yet. */
