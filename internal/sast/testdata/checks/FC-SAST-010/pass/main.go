package main

import (
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func main() {
	cb, err := knownhosts.New("/etc/ssh/ssh_known_hosts")
	if err != nil {
		return
	}
	_ = &ssh.ClientConfig{User: "deploy", HostKeyCallback: cb}
}
