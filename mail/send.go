package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of --tls.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
	TLSNone     = "none"
)

// SMTP is how to reach the mail server. Password is never logged or
// written anywhere; it is handed to the server's AUTH only.
type SMTP struct {
	Host      string
	Port      int
	TLS       string // starttls, tls or none
	From      *netmail.Address
	User      string
	Password  string
	Timeout   time.Duration // per connection step; 30s when 0
	TLSConfig *tls.Config   // nil: the system's roots, server name Host
}

// ParseHostPort splits host:port; the port defaults to 465 for tls and
// 587 otherwise.
func ParseHostPort(s, mode string) (string, int, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") {
			p := 587
			if mode == TLSImplicit {
				p = 465
			}
			return strings.Trim(s, "[]"), p, nil
		}
		return "", 0, err
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("bad port %q", port)
	}
	return host, n, nil
}

// IsLoopback reports whether host is this machine (127.0.0.0/8, ::1 or
// localhost): the only place --tls none may send to.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Outcome is what one attempt at a message came to.
type Outcome struct {
	Delivered bool
	Temporary bool   // 4xx or a lost connection: trying again may help
	Fatal     bool   // nothing can be sent this run (login refused, TLS failed)
	Reply     string // the server's reply or the error, never the password
}

// Sender sends messages over one SMTP connection, opened when needed
// and opened again after a failure.
type Sender struct {
	cfg    SMTP
	client *gomail.Client
	open   bool
}

// NewSender checks the configuration; nothing is dialled yet.
func NewSender(cfg SMTP) (*Sender, error) {
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout), gomail.WithoutNoop()}
	tc := cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	}
	switch cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tc))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tc))
	case TLSNone:
		if !IsLoopback(cfg.Host) {
			return nil, fmt.Errorf("--tls none is only allowed to this machine (127.0.0.1), not %s", cfg.Host)
		}
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("unknown TLS mode %q", cfg.TLS)
	}
	if cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(cfg.User), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, err
	}
	return &Sender{cfg: cfg, client: c}, nil
}

// Send hands msg to the server once. ctx bounds the dialling; a message
// already being transferred is finished (or times out) whatever ctx says,
// so that an interruption never leaves a message half sent.
func (s *Sender) Send(ctx context.Context, msg *gomail.Msg) Outcome {
	if !s.open {
		dctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		err := s.client.DialWithContext(dctx)
		cancel()
		if err != nil {
			return classifyDial(err)
		}
		s.open = true
	}
	err := s.client.Send(msg)
	if msg.IsDelivered() {
		if err != nil { // the reset after the message failed: the message went
			s.drop()
		}
		return Outcome{Delivered: true, Reply: "250"}
	}
	s.drop() // a fresh connection for the next try
	if err == nil {
		return Outcome{Temporary: true, Reply: "not delivered"}
	}
	return classifySend(err)
}

func (s *Sender) drop() {
	if s.open {
		s.client.Close()
		s.open = false
	}
}

// Close says goodbye to the server.
func (s *Sender) Close() { s.drop() }

// smtpCode is the reply code of err, or 0 when it is not a server reply.
func smtpCode(err error) (int, string) {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code, fmt.Sprintf("%d %s", te.Code, te.Msg)
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		if c := se.ErrorCode(); c >= 400 {
			return c, oneLine(err.Error())
		}
	}
	return 0, oneLine(err.Error())
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func classifyDial(err error) Outcome {
	code, reply := smtpCode(err)
	var cert x509.UnknownAuthorityError
	var host x509.HostnameError
	var inval x509.CertificateInvalidError
	var rec tls.RecordHeaderError
	switch {
	case errors.As(err, &cert), errors.As(err, &host), errors.As(err, &inval), errors.As(err, &rec),
		strings.Contains(err.Error(), "STARTTLS"), strings.Contains(err.Error(), "tls:"):
		return Outcome{Fatal: true, Reply: reply}
	case code >= 500, strings.Contains(strings.ToLower(err.Error()), "auth"):
		return Outcome{Fatal: true, Reply: reply}
	default: // 4xx, refused, reset, timed out
		return Outcome{Temporary: true, Reply: reply}
	}
}

func classifySend(err error) Outcome {
	code, reply := smtpCode(err)
	var se *gomail.SendError
	if errors.As(err, &se) && se.IsTemp() {
		return Outcome{Temporary: true, Reply: reply}
	}
	if code >= 500 {
		return Outcome{Reply: reply}
	}
	return Outcome{Temporary: true, Reply: reply} // 4xx, or the connection was lost
}

// Pacer spaces messages to at most PerMinute a minute.
type Pacer struct {
	Every time.Duration
	next  time.Time
}

// NewPacer paces perMinute messages a minute.
func NewPacer(perMinute float64) *Pacer {
	return &Pacer{Every: time.Duration(float64(time.Minute) / perMinute)}
}

// Wait blocks until the next message may go, or ctx ends.
func (p *Pacer) Wait(ctx context.Context) error {
	if d := time.Until(p.next); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	p.next = time.Now().Add(p.Every)
	return ctx.Err()
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
