// Small programs of the test images (standard library only).
module k0smotron.dev/tests/node/images

go 1.26.0
