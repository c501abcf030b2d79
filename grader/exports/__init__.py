"""Exports: grade CSVs that Canvas and Moodle import as they are, feedback for students, a class report."""
