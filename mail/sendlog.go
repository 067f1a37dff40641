package mail

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	netmail "net/mail"
	"os"
	"strings"
	"time"
)

// Outcomes recorded in the send log.
const (
	OutcomeSending = "sending" // written before the message is handed to the server
	OutcomeSent    = "sent"    // the server accepted it
	OutcomeFailed  = "failed"  // it was not accepted; Permanent says whether trying again can help
)

// Entry is one line of the send log. It holds no password and no message
// body: who, what (the attachment's hash), which message, when, and what
// happened.
type Entry struct {
	Time       string   `json:"time"`
	Department string   `json:"department"`
	To         []string `json:"to"`
	Cc         []string `json:"cc,omitempty"`
	File       string   `json:"file"`
	SHA256     string   `json:"sha256"`
	MessageID  string   `json:"message_id"`
	Outcome    string   `json:"outcome"`
	Attempt    int      `json:"attempt,omitempty"`
	Permanent  bool     `json:"permanent,omitempty"`
	Reply      string   `json:"reply,omitempty"` // the server's reply or the error
}

// State is what the log says about one department.
type State struct {
	Sent    *Entry // the last message the server accepted
	Pending *Entry // a message handed over with no outcome after it (the run was killed)
	Failed  *Entry // the last failure after the last success
}

// SendLog is the append-only send log: one JSON line per event, each
// written with one write and synced to disk before the next step.
type SendLog struct {
	Path  string
	f     *os.File // nil when read only
	state map[string]*State
	torn  bool
}

// ReadSendLog reads the log at path (empty when there is none yet),
// without opening it for writing. Lines that are not entries (a last
// line cut short by a crash) are ignored.
func ReadSendLog(path string) (*SendLog, error) {
	l := &SendLog{Path: path, state: map[string]*State{}}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Department == "" {
			continue
		}
		l.apply(&e)
	}
	l.torn = len(data) > 0 && data[len(data)-1] != '\n'
	return l, nil
}

// OpenSendLog reads the log at path and opens it for appending (created
// if missing). After a last line cut short by a crash a line break is
// added, so that the next line stands on its own.
func OpenSendLog(path string) (*SendLog, error) {
	l, err := ReadSendLog(path)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	l.f = f
	if l.torn {
		if _, err := f.Write([]byte("\n")); err != nil {
			f.Close()
			return nil, err
		}
	}
	return l, nil
}

func (l *SendLog) apply(e *Entry) {
	k := Key(e.Department)
	s := l.state[k]
	if s == nil {
		s = &State{}
		l.state[k] = s
	}
	switch e.Outcome {
	case OutcomeSending:
		s.Pending = e
	case OutcomeSent:
		s.Sent, s.Pending, s.Failed = e, nil, nil
	case OutcomeFailed:
		s.Failed, s.Pending = e, nil
	}
}

// State is what the log says about department (nil: nothing).
func (l *SendLog) State(department string) *State { return l.state[Key(department)] }

// Append writes e as one line and syncs the file.
func (l *SendLog) Append(e Entry) error {
	if e.Time == "" {
		e.Time = time.Now().Format(time.RFC3339)
	}
	e.Reply = strings.ToValidUTF8(e.Reply, "?")
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := l.f.Write(append(data, '\n')); err != nil {
		return err
	}
	if err := l.f.Sync(); err != nil {
		return err
	}
	l.apply(&e)
	return nil
}

// Close closes the log.
func (l *SendLog) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// Decision is what a run does with one department's message.
type Decision int

// Decisions.
const (
	Send        Decision = iota // never sent
	Retry                       // failed before
	Resume                      // handed over before with no outcome (killed): sent again, same Message-ID
	AlreadySent                 // sent before, same attachment and addresses: skipped
	Changed                     // sent before, but the result or the addresses changed: sent again only with --resend
)

// Decide says what to do with m given what the log says.
func (l *SendLog) Decide(m *Message, resend bool) (Decision, *State) {
	s := l.State(m.Department)
	switch {
	case s == nil:
		return Send, s
	case s.Pending != nil:
		return Resume, s
	case s.Failed != nil && s.Failed.SHA256 == m.SHA256 && sameList(s.Failed.To, m.To) && sameList(s.Failed.Cc, m.Cc):
		return Retry, s
	case s.Sent != nil && s.Pending == nil:
		if s.Sent.SHA256 == m.SHA256 && sameList(s.Sent.To, m.To) && sameList(s.Sent.Cc, m.Cc) {
			return AlreadySent, s
		}
		if resend {
			return Send, s
		}
		return Changed, s
	default:
		return Retry, s
	}
}

func sameList(logged []string, list []*netmail.Address) bool {
	if len(logged) != len(list) {
		return false
	}
	for i, a := range list {
		if !strings.EqualFold(logged[i], a.Address) {
			return false
		}
	}
	return true
}

// Addresses is the address list as the log records it.
func Addresses(list []*netmail.Address) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Address)
	}
	return out
}

var _ io.Closer = (*SendLog)(nil)
