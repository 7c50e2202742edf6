#!/bin/sh
# The k0s test image's entrypoint: the real one (tini, then docker-entrypoint.sh) runs the
# pod's arguments as given for a controller; so does this.
exec "$@"
