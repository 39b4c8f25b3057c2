package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// output writes whole lines to stdout and stderr in one language. The
// platform's handlers and the deliveries write from their own goroutines,
// so every write holds mu.
type output struct {
	mu     sync.Mutex
	stdout io.Writer
	stderr io.Writer
	lang   string
}

func newOutput(stdout, stderr io.Writer, lang string) *output {
	return &output{stdout: stdout, stderr: stderr, lang: lang}
}

// text returns message id in the output's language, formatted with args.
func (o *output) text(id msgID, args ...any) string {
	return translate(o.lang, id, args...)
}

// println writes message id as one line to stdout.
func (o *output) println(id msgID, args ...any) {
	o.writeLine(o.stdout, o.text(id, args...))
}

// errorf writes message id as one line to stderr, after the command's name.
func (o *output) errorf(id msgID, args ...any) {
	o.writeLine(o.stderr, "bubblehost sim: "+o.text(id, args...))
}

func (o *output) writeLine(w io.Writer, line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintln(w, line)
}

// stderrWriter returns a writer to stderr that holds mu for each write,
// for the log package.
func (o *output) stderrWriter() io.Writer {
	return lockedWriter{o}
}

type lockedWriter struct{ o *output }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	return w.o.stderr.Write(p)
}

// apiMessage is the part of the API's message object that the sim shows.
type apiMessage struct {
	ID        int64  `json:"id"`
	ChannelID int64  `json:"channelId"`
	GuildID   int64  `json:"guildId"`
	Content   string `json:"content"`
	Author    struct {
		Name string `json:"name"`
	} `json:"author"`
}

// showRequest prints one line for an API request: the message for a
// message that the bot sent or edited, the ids for one it deleted, the
// error for a failed request, and else the method, path and status.
func (s *sim) showRequest(r bubbletest.Request) {
	path := strings.TrimPrefix(r.Path, bubbletest.DefaultBasePath)
	if len(r.Query) > 0 {
		path += "?" + r.Query.Encode()
	}

	if r.Fault == bubbletest.FaultDroppedConnection {
		s.out.println(msgAPIDropped, r.Method, path)
		return
	}
	if code, message := errorDetail(r.Response); r.Status >= 400 && code != "" {
		line := s.out.text(msgAPIError, r.Method, path, r.Status, code, message)
		if r.Fault != bubbletest.FaultNone {
			line += s.out.text(msgInjected)
		}
		s.out.writeLine(s.out.stdout, line)
		return
	}

	switch r.Route {
	case bubbletest.RouteCreateMessage, bubbletest.RouteCreateDMMessage:
		var m apiMessage
		if json.Unmarshal(r.Response, &m) == nil {
			id := msgBotMessage
			if m.GuildID == 0 {
				id = msgBotDM
			}
			s.out.println(id, m.ChannelID, m.Author.Name, indent(m.Content), m.ID)
			return
		}
	case bubbletest.RouteEditMessage:
		var m apiMessage
		if json.Unmarshal(r.Response, &m) == nil {
			s.out.println(msgBotEdited, m.ChannelID, m.Author.Name, m.ID, indent(m.Content))
			return
		}
	case bubbletest.RouteDeleteMessage:
		// The path is /channels/{channelId}/messages/{messageId}.
		segments := strings.Split(path, "/")
		if len(segments) == 5 {
			s.out.println(msgBotDeleted, segments[2], s.opts.botName, segments[4])
			return
		}
	}
	s.out.println(msgAPICall, r.Method, path, r.Status)
}

// errorDetail returns the code and message of an API error body, or empty
// strings when the body has another shape.
func errorDetail(body []byte) (code, message string) {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	json.Unmarshal(body, &e)
	return e.Error.Code, e.Error.Message
}

// indent returns content with its second and later lines indented, so that
// a message of several lines stays visibly one message.
func indent(content string) string {
	return strings.ReplaceAll(content, "\n", "\n    ")
}
