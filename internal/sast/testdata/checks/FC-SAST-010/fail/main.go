package main

import "golang.org/x/crypto/ssh"

func main() {
	_ = &ssh.ClientConfig{User: "deploy", HostKeyCallback: ssh.InsecureIgnoreHostKey()}
}
