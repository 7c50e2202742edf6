// getent answers `getent ahosts|ahostsv4|ahostsv6|hosts NAME...` in the format of musl-utils'
// getent, which the real k0s image (Alpine) carries: through /etc/hosts and the resolvers of
// /etc/resolv.conf, search domains included. Exit 2 when a name does not resolve, as getent
// does.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: getent ahosts|ahostsv4|ahostsv6|hosts NAME...")
		os.Exit(1)
	}
	database, names := os.Args[1], os.Args[2:]
	family := map[string]string{"ahosts": "ip", "ahostsv4": "ip4", "ahostsv6": "ip6", "hosts": "ip"}[database]
	if family == "" {
		fmt.Fprintf(os.Stderr, "Unknown database: %s\n", database)
		os.Exit(1)
	}
	code := 0
	for _, name := range names {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ips, err := net.DefaultResolver.LookupIP(ctx, family, name)
		cancel()
		if err != nil || len(ips) == 0 {
			code = 2
			continue
		}
		for i, ip := range ips {
			if database == "hosts" {
				fmt.Printf("%-15s %s\n", ip, name)
				break
			}
			label := ""
			if i == 0 {
				label = " " + name
			}
			fmt.Printf("%-15s STREAM%s\n%-15s DGRAM\n%-15s RAW\n", ip, label, ip, ip)
		}
	}
	os.Exit(code)
}
