// pause holds a pod's namespaces, as the kubelet's sandbox image does: it waits for SIGINT
// or SIGTERM and exits.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
