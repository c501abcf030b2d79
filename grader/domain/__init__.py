"""The pure domain: values in, values out. No Textual, SQL, subprocess or clock here."""
