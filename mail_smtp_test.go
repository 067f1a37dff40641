package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testSMTP is an SMTP server on 127.0.0.1 for the tests: STARTTLS with a
// generated certificate, AUTH PLAIN (when user is set), and failures
// injected by decide.
type testSMTP struct {
	Addr      string
	ClientTLS *tls.Config // trusts the server's certificate
	user, pw  string

	mu       sync.Mutex
	received []receivedMsg
	attempts int // DATA commands seen
	// decide, when set, says what to do with the n-th DATA (from 1):
	// "" accept, "451" / "550" reply so, "drop" close the connection
	// without a reply.
	decide func(n int, to []string) string
	// rejectRcpt, when set, refuses these recipients with 550.
	rejectRcpt map[string]bool
	// onAccept runs after a message is accepted (with the count so far).
	onAccept func(n int)
}

type receivedMsg struct {
	From string
	To   []string
	Data []byte
}

// newTestSMTP starts a server; with tlsOn it offers STARTTLS and only
// then AUTH.
func newTestSMTP(t *testing.T, user, pw string, tlsOn bool) *testSMTP {
	t.Helper()
	s := &testSMTP{user: user, pw: pw}
	srv := smtp.NewServer(s)
	srv.Domain = "127.0.0.1"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	if tlsOn {
		cert, pool := testCert(t)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.ClientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	} else {
		srv.AllowInsecureAuth = true
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *testSMTP) messages() []receivedMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMsg(nil), s.received...)
}

func (s *testSMTP) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &testSession{srv: s, conn: c}, nil
}

type testSession struct {
	srv    *testSMTP
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *testSession) AuthMechanisms() []string {
	if ss.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.srv.user || password != ss.srv.pw {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	ss.from = from
	return nil
}

func (ss *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	reject := ss.srv.rejectRcpt[to]
	ss.srv.mu.Unlock()
	if reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.srv
	s.mu.Lock()
	s.attempts++
	n := s.attempts
	action := ""
	if s.decide != nil {
		action = s.decide(n, ss.to)
	}
	switch action {
	case "451":
		s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	case "550":
		s.mu.Unlock()
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "message refused"}
	case "drop":
		s.mu.Unlock()
		ss.conn.Conn().Close()
		return errors.New("dropped")
	}
	s.received = append(s.received, receivedMsg{From: ss.from, To: append([]string(nil), ss.to...), Data: data})
	count := len(s.received)
	hook := s.onAccept
	s.mu.Unlock()
	if hook != nil {
		hook(count)
	}
	return nil
}

func (ss *testSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *testSession) Logout() error { return nil }

// testCert is a self-signed certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "perfeval test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

func lower(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}
