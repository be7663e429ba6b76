package main

import (
	"encoding/base64"
	"fmt"
	"strings"
)

type kubeUser struct {
	name string
	pair *keyPair
}

// kubeconfigYAML renders one cluster with a context per user. The admin context comes first
// and is current, so tools that read "the current context" get full access by default.
func kubeconfigYAML(server string, caPEM []byte, users []kubeUser) string {
	b64 := func(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
	var sb strings.Builder
	sb.WriteString("apiVersion: v1\nkind: Config\n")
	fmt.Fprintf(&sb, "clusters:\n- name: testcluster\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n", server, b64(caPEM))
	sb.WriteString("users:\n")
	for _, u := range users {
		fmt.Fprintf(&sb, "- name: %s\n  user:\n    client-certificate-data: %s\n    client-key-data: %s\n", u.name, b64(u.pair.certPEM), b64(u.pair.keyPEM))
	}
	sb.WriteString("contexts:\n")
	for _, u := range users {
		fmt.Fprintf(&sb, "- name: %s\n  context:\n    cluster: testcluster\n    user: %s\n", contextName(u.name), u.name)
	}
	fmt.Fprintf(&sb, "current-context: %s\n", contextName(users[0].name))
	return sb.String()
}

func contextName(user string) string {
	if user == "admin" {
		return "testcluster"
	}
	return user + "@testcluster"
}
