package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/samples"
	"github.com/bubblehost/bubblehost/host/signature"
)

// Defaults of send, which match the demo's tenant.
const (
	DefaultSendURL = "http://127.0.0.1:8080/webhook/demo"
	DemoSecret     = "demo-secret"
	// defaultSendTimeout is how long the platform waits for a response.
	defaultSendTimeout = 5 * time.Second
	// maxResponseBytes caps how much of the response send prints.
	maxResponseBytes = 1 << 20
)

type sendOptions struct {
	url       string
	secret    secretFlags
	unsigned  bool
	file      string
	eventType string
	content   string
	channel   int64
	guild     int64
	author    int64
	timeout   time.Duration
}

func (c *cli) sendFlags() (*pflag.FlagSet, *sendOptions) {
	fs := c.newFlagSet("send")
	opts := &sendOptions{}
	fs.StringVar(&opts.url, "url", DefaultSendURL, c.p.Sprintf(i18n.FlagURL))
	opts.secret = c.addSecretFlags(fs, i18n.FlagSendSecret)
	fs.BoolVar(&opts.unsigned, "unsigned", false, c.p.Sprintf(i18n.FlagUnsigned))
	fs.StringVar(&opts.file, "file", "", c.p.Sprintf(i18n.FlagFile))
	fs.StringVar(&opts.eventType, "type", "MESSAGE_CREATE", c.p.Sprintf(i18n.FlagType))
	fs.StringVar(&opts.content, "content", "", c.p.Sprintf(i18n.FlagContent))
	fs.Int64Var(&opts.channel, "channel", 0, c.p.Sprintf(i18n.FlagChannel))
	fs.Int64Var(&opts.guild, "guild", 0, c.p.Sprintf(i18n.FlagGuild))
	fs.Int64Var(&opts.author, "author", 0, c.p.Sprintf(i18n.FlagAuthor))
	fs.DurationVar(&opts.timeout, "timeout", defaultSendTimeout, c.p.Sprintf(i18n.FlagTimeout))
	return fs, opts
}

// send posts one signed event to a running host and prints the response.
func (c *cli) send(ctx context.Context, args []string) int {
	fs, opts := c.sendFlags()
	if done, code := c.parse(fs, "send", args); done {
		return code
	}
	if fs.NArg() > 0 {
		c.errorf(i18n.ErrTooManyArgs, "send", strings.Join(fs.Args(), " "), "send")
		return ExitUsage
	}

	request, err := c.newSendRequest(ctx, fs, opts)
	if err != nil {
		c.fail(err)
		return ExitUsage
	}

	client := &http.Client{
		Timeout: opts.timeout,
		// The platform does not follow redirects, so neither does send.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	response, err := client.Do(request)
	if err != nil {
		if netErr, ok := errors.AsType[net.Error](err); ok && netErr.Timeout() {
			c.errorf(i18n.SendTimedOut, opts.url, opts.timeout)
		} else {
			c.errorf(i18n.SendConnectFailed, opts.url, err)
		}
		return ExitFailure
	}
	defer response.Body.Close()

	body, err := io.ReadAll(io.LimitReader(response.Body, maxResponseBytes))
	if err != nil {
		c.errorf(i18n.SendInvalidResponse, opts.url, err)
		return ExitFailure
	}
	fmt.Fprintf(c.env.Stdout, "%s %s\n", response.Proto, response.Status)
	if len(body) > 0 {
		c.env.Stdout.Write(body)
		if !bytes.HasSuffix(body, []byte("\n")) {
			fmt.Fprintln(c.env.Stdout)
		}
	}

	if response.StatusCode < 200 || response.StatusCode > 299 {
		c.errorf(i18n.SendNotSuccessful, response.Status)
		return ExitFailure
	}
	return ExitOK
}

// newSendRequest checks the flags and builds the webhook request: the body,
// its event type and its signature.
func (c *cli) newSendRequest(ctx context.Context, fs *pflag.FlagSet, opts *sendOptions) (*http.Request, error) {
	target, err := url.Parse(opts.url)
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		return nil, newUserError(i18n.SendBadURL, opts.url)
	}
	if opts.timeout <= 0 {
		return nil, newUserError(i18n.SendBadTimeout, opts.timeout)
	}
	if opts.unsigned && opts.secret.given() {
		return nil, newUserError(i18n.SendUnsignedSecret)
	}

	body, eventType, err := c.sendBody(fs, opts)
	if err != nil {
		return nil, err
	}

	request, err := http.NewRequestWithContext(ctx, http.MethodPost, opts.url, bytes.NewReader(body))
	if err != nil {
		return nil, newUserError(i18n.SendBadURL, opts.url)
	}
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set("X-Bubble-Event", eventType)
	if !opts.unsigned {
		secret, err := c.resolveSecret(opts.secret, DemoSecret)
		if err != nil {
			return nil, err
		}
		request.Header.Set("X-Bubble-Signature", signature.Sign([]byte(secret), body))
	}
	return request, nil
}

// sendBody returns the body to send and its event type: the file's bytes
// unchanged with --file, else the sample of --type with the field flags
// applied.
func (c *cli) sendBody(fs *pflag.FlagSet, opts *sendOptions) ([]byte, string, error) {
	fieldFlags := []string{"content", "channel", "guild", "author"}

	if fs.Changed("file") {
		for _, name := range fieldFlags {
			if fs.Changed(name) {
				return nil, "", newUserError(i18n.SendFileAndPatch, name)
			}
		}
		body, err := c.readInput(opts.file)
		if err != nil {
			return nil, "", err
		}
		if fs.Changed("type") {
			return body, opts.eventType, nil
		}
		eventType, err := readEventType(body)
		if err != nil {
			return nil, "", newUserError(i18n.SendNoEventType, opts.file, err)
		}
		return body, eventType, nil
	}

	body, ok := samples.Get(opts.eventType)
	if !ok {
		return nil, "", newUserError(i18n.SendUnknownType, opts.eventType, strings.Join(samples.Types(), ", "))
	}
	for _, name := range fieldFlags {
		if !fs.Changed(name) {
			continue
		}
		patched, err := applyFieldFlag(body, opts, name)
		if err != nil {
			return nil, "", newUserError(i18n.SendFieldMissing, opts.eventType, err, name)
		}
		body = patched
	}
	return body, opts.eventType, nil
}

// readEventType returns the top-level "type" member of a webhook body.
func readEventType(body []byte) (string, error) {
	var envelope struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return "", err
	}
	if envelope.Type == nil || *envelope.Type == "" {
		return "", errors.New(`no "type" member`)
	}
	return *envelope.Type, nil
}

// errFieldMissing is the field a sample lacks, such as data.content. Its
// message is the field's path, for SendFieldMissing.
type errFieldMissing string

func (e errFieldMissing) Error() string { return string(e) }

// applyFieldFlag writes the value of the field flag name into body. The
// author flag sets data.author.id, or data.user.id in member events, which
// have no author.
func applyFieldFlag(body []byte, opts *sendOptions, name string) ([]byte, error) {
	var paths [][]string
	var value []byte
	switch name {
	case "content":
		paths = [][]string{{"data", "content"}}
		value = encodeJSONString(opts.content)
	case "channel":
		paths = [][]string{{"data", "channelId"}}
		value = strconv.AppendInt(nil, opts.channel, 10)
	case "guild":
		paths = [][]string{{"data", "guildId"}}
		value = strconv.AppendInt(nil, opts.guild, 10)
	case "author":
		paths = [][]string{{"data", "author", "id"}, {"data", "user", "id"}}
		value = strconv.AppendInt(nil, opts.author, 10)
	}

	for _, path := range paths {
		patched, found, err := setJSONMember(body, path, value)
		if err != nil {
			return nil, err
		}
		if found {
			return patched, nil
		}
	}
	return nil, errFieldMissing(strings.Join(paths[0], "."))
}

// encodeJSONString returns s as a JSON string, with <, > and & left as
// they are, as JSON.stringify writes them.
func encodeJSONString(s string) []byte {
	var b bytes.Buffer
	encoder := json.NewEncoder(&b)
	encoder.SetEscapeHTML(false)
	// json.Encoder does not fail on a string, and a bytes.Buffer write
	// does not fail.
	_ = encoder.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// member is one name and value of a JSON object, with the value's bytes as
// they appear in the document.
type member struct {
	name  string
	value json.RawMessage
}

// setJSONMember returns the JSON object doc with the member at path set to
// value, and whether that member exists. Members keep their order and
// every other value keeps its bytes, so a compact document stays compact.
func setJSONMember(doc []byte, path []string, value []byte) ([]byte, bool, error) {
	members, err := objectMembers(doc)
	if err != nil {
		return nil, false, err
	}

	for i := range members {
		if members[i].name != path[0] {
			continue
		}
		if len(path) == 1 {
			members[i].value = value
			return encodeObject(members), true, nil
		}
		inner, found, err := setJSONMember(members[i].value, path[1:], value)
		if err != nil || !found {
			return nil, false, err
		}
		members[i].value = inner
		return encodeObject(members), true, nil
	}
	return nil, false, nil
}

// objectMembers returns the members of the JSON object doc in order. A
// value that is not an object has no members.
func objectMembers(doc []byte) ([]member, error) {
	decoder := json.NewDecoder(bytes.NewReader(doc))
	token, err := decoder.Token()
	if err != nil {
		return nil, err
	}
	if token != json.Delim('{') {
		return nil, nil
	}

	var members []member
	for decoder.More() {
		token, err := decoder.Token()
		if err != nil {
			return nil, err
		}
		name, _ := token.(string)
		var value json.RawMessage
		if err := decoder.Decode(&value); err != nil {
			return nil, err
		}
		members = append(members, member{name: name, value: value})
	}
	return members, nil
}

func encodeObject(members []member) []byte {
	b := []byte{'{'}
	for i, m := range members {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, encodeJSONString(m.name)...)
		b = append(b, ':')
		b = append(b, m.value...)
	}
	return append(b, '}')
}
