package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
)

// Defaults of the commands that call the admin API.
const (
	DefaultAdminURL = "http://127.0.0.1:8081"
	// defaultAdminTimeout leaves room for a reload, which compiles every
	// changed plugin.
	defaultAdminTimeout = 2 * time.Minute
	// maxAdminResponseBytes caps how much of a response is read. A status
	// of many tenants with many plugins is a few hundred KiB.
	maxAdminResponseBytes = 16 << 20
)

// adminFlags are the flags of every command that calls the admin API.
type adminFlags struct {
	fs        *pflag.FlagSet
	url       string
	token     string
	tokenFile string
	json      bool
	timeout   time.Duration
}

func (c *cli) addAdminFlags(fs *pflag.FlagSet) *adminFlags {
	flags := &adminFlags{fs: fs}
	fs.StringVar(&flags.url, "admin", DefaultAdminURL, c.p.Sprintf(i18n.FlagAdmin))
	fs.StringVar(&flags.tokenFile, "token-file", "", c.p.Sprintf(i18n.FlagAdminTokenFile))
	fs.StringVar(&flags.token, "token", "", c.p.Sprintf(i18n.FlagAdminToken))
	fs.BoolVar(&flags.json, "json", false, c.p.Sprintf(i18n.FlagJSON))
	fs.DurationVar(&flags.timeout, "timeout", defaultAdminTimeout, c.p.Sprintf(i18n.FlagAdminTimeout))
	return flags
}

// adminClient calls the admin API of a running host.
type adminClient struct {
	base    string // the --admin URL without a final slash
	token   string
	timeout time.Duration
	http    *http.Client
}

// newAdminClient checks the flags and finds the token: --token, else
// --token-file, else BUBBLEHOST_ADMIN_TOKEN.
func (c *cli) newAdminClient(flags *adminFlags) (*adminClient, error) {
	base, err := url.Parse(flags.url)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, newUserError(i18n.AdminBadURL, flags.url)
	}
	if flags.timeout <= 0 {
		return nil, newUserError(i18n.AdminBadTimeout, flags.timeout)
	}

	token, err := c.adminToken(flags)
	if err != nil {
		return nil, err
	}
	return &adminClient{
		base:    strings.TrimRight(flags.url, "/"),
		token:   token,
		timeout: flags.timeout,
		http: &http.Client{
			Timeout: flags.timeout,
			// A redirect would send the token to another address.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

func (c *cli) adminToken(flags *adminFlags) (string, error) {
	tokenGiven, fileGiven := flags.fs.Changed("token"), flags.fs.Changed("token-file")
	switch {
	case tokenGiven && fileGiven:
		return "", newUserError(i18n.AdminTokenConflict)
	case tokenGiven:
		if token := strings.TrimSpace(flags.token); token != "" {
			return token, nil
		}
	case fileGiven:
		data, err := os.ReadFile(flags.tokenFile)
		if err != nil {
			return "", newUserError(i18n.AdminTokenReadFile, err)
		}
		token := strings.TrimSpace(string(data))
		if token == "" {
			return "", newUserError(i18n.AdminTokenFileEmpty, flags.tokenFile)
		}
		return token, nil
	default:
		if token := strings.TrimSpace(c.env.Getenv(config.EnvAdminToken)); token != "" {
			return token, nil
		}
	}
	return "", newUserError(i18n.AdminTokenMissing)
}

// do sends one request and returns the body of a 2xx response. Any other
// outcome is a userError that names what to check.
func (a *adminClient) do(ctx context.Context, method, path string, body any) ([]byte, error) {
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(ctx, method, a.base+path, reader)
	if err != nil {
		return nil, newUserError(i18n.AdminBadURL, a.base)
	}
	request.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}

	response, err := a.http.Do(request)
	if err != nil {
		if netErr, ok := errors.AsType[net.Error](err); ok && netErr.Timeout() {
			return nil, newUserError(i18n.AdminTimedOut, a.base, a.timeout)
		}
		return nil, newUserError(i18n.AdminConnectFailed, a.base, withoutURL(err))
	}
	defer response.Body.Close()

	data, err := io.ReadAll(io.LimitReader(response.Body, maxAdminResponseBytes))
	if err != nil {
		return nil, newUserError(i18n.AdminInvalidResponse, a.base, err)
	}
	switch {
	case response.StatusCode == http.StatusUnauthorized:
		return nil, newUserError(i18n.AdminUnauthorized, a.base)
	case response.StatusCode < 200 || response.StatusCode > 299:
		return nil, newUserError(i18n.AdminRequestFailed, response.Status, adminErrorMessage(data))
	}
	return data, nil
}

// adminErrorMessage returns the message of an admin API error body, or
// the body itself when it is not one.
func adminErrorMessage(body []byte) string {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return e.Message
	}
	return strings.TrimSpace(string(body))
}

// withoutURL returns the cause of a *url.Error, for a message that already
// names the address.
func withoutURL(err error) error {
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		return urlErr.Err
	}
	return err
}

// adminServer is the admin API's HTTP server, started by serve when
// admin.listen is set.
type adminServer struct {
	server   *http.Server
	listener net.Listener
}

// listenAdmin opens the admin API's listener, or returns nil when
// admin.listen is not set. It warns when the address is not loopback,
// because the API speaks plain HTTP.
func listenAdmin(settings config.AdminConfig, logger *slog.Logger) (*adminServer, error) {
	if settings.Listen == "" {
		return nil, nil
	}
	listener, err := net.Listen("tcp", settings.Listen)
	if err != nil {
		return nil, err
	}
	if !isLoopback(settings.Listen) {
		logger.Warn("admin API listens beyond loopback over plain HTTP; anyone on the network path can read its token",
			"admin_listen", settings.Listen)
	}
	return &adminServer{listener: listener}, nil
}

// isLoopback reports whether a listen address accepts loopback
// connections only.
func isLoopback(address string) bool {
	hostname, _, err := net.SplitHostPort(address)
	if err != nil {
		return false
	}
	if hostname == "localhost" {
		return true
	}
	ip := net.ParseIP(hostname)
	return ip != nil && ip.IsLoopback()
}
