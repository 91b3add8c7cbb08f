"""The Textual reader: a thin layer over tgreader.service."""
