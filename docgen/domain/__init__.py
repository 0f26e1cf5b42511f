"""Domain computations shared by the rules (`docgen.check`) and the template views (`docgen.context`).

`check/` holds rules that turn these into findings, `context/` holds views that print them; neither
imports the other, so what a document prints is what was checked without the two knowing each other.
"""
