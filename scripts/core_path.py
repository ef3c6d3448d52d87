"""Print the path of the installed JupyterLab's staging folder.

`build-labextension --core-path` needs it: `jupyter labextension build` would
try to download core metadata, which this project's machines cannot do.
"""

import os

import jupyterlab

print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging"))
