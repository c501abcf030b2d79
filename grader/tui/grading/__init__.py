"""The Grading and Second marking screens machinery: keys, the ordered save queue, reads in workers."""
