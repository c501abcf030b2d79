"""The grading TUI (Textual). Only grader.cli imports it; it imports the gradebook, never the reverse."""
