"""The `canvasdraw` command line: commands for using models (`use`), renderers (`render`) and
training (`train`), tied together in `main`. Commands import the library inside their functions
so that `canvasdraw --help` and the quick commands start without loading JAX."""
