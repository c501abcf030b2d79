"""Course files (course.yaml, roster.csv, rubrics/*.yaml) read into domain objects."""
