package sshdtest

import (
	"os"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// TestStart logs in with the client key, checking the host key against the
// written known_hosts, and opens the sftp subsystem; after Restart the same
// works again.
func TestStart(t *testing.T) {
	s := Start(t)
	dial := func() {
		t.Helper()
		key, err := os.ReadFile(s.KeyFile)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := ssh.ParsePrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		hk, err := knownhosts.New(s.KnownHosts)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ssh.Dial("tcp", s.Addr(), &ssh.ClientConfig{User: s.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: hk})
		if err != nil {
			t.Fatalf("dial: %v; sshd: %s", err, s.Log())
		}
		defer c.Close()
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		if err := sess.RequestSubsystem("sftp"); err != nil {
			t.Fatalf("sftp subsystem: %v", err)
		}
	}
	dial()
	s.Restart(t)
	dial()
}
