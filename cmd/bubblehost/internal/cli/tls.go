package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
)

// certCheckInterval is the least time between two checks of the
// certificate files for a change.
const certCheckInterval = time.Second

// webhookTLS is the HTTPS setup of the webhook listener.
type webhookTLS struct {
	config *tls.Config
	// challenge, when not nil, serves ACME HTTP-01 challenges and
	// redirects every other request to HTTPS. It is served on
	// tls.acme.http_listen.
	challenge http.Handler
}

// newWebhookTLS builds the TLS configuration of the webhook listener from
// the tls section: certificate files that are read again when they change,
// or certificates from an ACME certificate authority.
func newWebhookTLS(settings config.TLSConfig, logger *slog.Logger) (*webhookTLS, error) {
	if settings.ACME != nil {
		return newACMETLS(settings.ACME), nil
	}

	reloader, err := newCertReloader(settings.CertFile, settings.KeyFile, logger.With("component", "tls"))
	if err != nil {
		return nil, err
	}
	return &webhookTLS{config: &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: reloader.GetCertificate,
	}}, nil
}

// newACMETLS gets certificates for the configured domains from the ACME
// certificate authority on the first handshake that names one of them, and
// renews them before they expire. Configuring tls.acme accepts the
// authority's terms of service.
//
// The authority checks control of a domain with the TLS-ALPN-01 challenge,
// which it sends to port 443 of the domain, so the webhook listener must be
// reachable there. With tls.acme.http_listen set, the HTTP-01 challenge on
// that address, normally :80, works as well.
//
// NOTE: no test runs this against a certificate authority, because tests
// stay off the network. Only the checks of the tls.acme keys are tested.
func newACMETLS(settings *config.ACMEConfig) *webhookTLS {
	manager := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(settings.CacheDir),
		HostPolicy: autocert.HostWhitelist(settings.Domains...),
		Email:      settings.Email,
	}
	if settings.DirectoryURL != "" {
		manager.Client = &acme.Client{DirectoryURL: settings.DirectoryURL}
	}

	result := &webhookTLS{config: manager.TLSConfig()}
	result.config.MinVersion = tls.VersionTLS12
	if settings.HTTPListen != "" {
		result.challenge = manager.HTTPHandler(nil)
	}
	return result
}

// warnACMEPort logs a warning when TLS-ALPN-01 is the only challenge and
// the webhook listener is not on port 443, where the certificate authority
// sends it. A port forward from 443 makes the setting work, so it is not an
// error.
func warnACMEPort(settings config.TLSConfig, listen string, logger *slog.Logger) {
	if settings.ACME == nil || settings.ACME.HTTPListen != "" {
		return
	}
	if _, port, err := net.SplitHostPort(listen); err == nil && port != "443" {
		logger.Warn("ACME certificates need port 443 of each domain to reach this listener, or tls.acme.http_listen set",
			"listen", listen, "domains", settings.ACME.Domains)
	}
}

// certReloader serves the certificate of a pair of PEM files and loads the
// files again when either one changes. On a handshake, at most once per
// interval, it compares the files' size, modification time and identity
// with those of the files it loaded. A file replaced by a rename, or behind
// a symbolic link that now points elsewhere, is a different file.
type certReloader struct {
	certFile, keyFile string
	logger            *slog.Logger
	interval          time.Duration
	now               func() time.Time

	mu      sync.Mutex
	cert    *tls.Certificate
	loaded  pairStamp // of the files cert came from
	checked time.Time
	// problem is the last problem logged, so that files that stay broken
	// are reported once and not on every check.
	problem string
}

// pairStamp is the state of the certificate and key files that a check
// compares.
type pairStamp struct {
	cert, key os.FileInfo
}

func (s pairStamp) same(other pairStamp) bool {
	return sameFile(s.cert, other.cert) && sameFile(s.key, other.key)
}

func sameFile(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == b
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// newCertReloader loads the pair of files, failing when they do not load.
func newCertReloader(certFile, keyFile string, logger *slog.Logger) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile, logger: logger, interval: certCheckInterval, now: time.Now}
	stamp, err := r.stat()
	if err == nil {
		err = r.load(stamp)
	}
	if err != nil {
		return nil, err
	}
	r.checked = r.now()
	return r, nil
}

// GetCertificate implements tls.Config.GetCertificate.
func (r *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	if now := r.now(); now.Sub(r.checked) >= r.interval {
		r.checked = now
		r.reloadIfChanged()
	}
	return r.cert, nil
}

// reloadIfChanged loads the files when they differ from those loaded. On a
// failure the previous certificate keeps serving, and the next check tries
// again. A rotation that writes the certificate and the key one after the
// other can log one such failure before the key is written.
func (r *certReloader) reloadIfChanged() {
	stamp, err := r.stat()
	if err == nil && stamp.same(r.loaded) {
		return
	}
	if err == nil {
		err = r.load(stamp)
	}
	if err != nil {
		if err.Error() != r.problem {
			r.problem = err.Error()
			r.logger.Warn("loading the changed certificate files failed; the previous certificate keeps serving",
				"cert_file", r.certFile, "key_file", r.keyFile, "err", err)
		}
		return
	}
	r.problem = ""
	leaf := r.cert.Leaf
	r.logger.Info("certificate reloaded", "cert_file", r.certFile, "subject", leaf.Subject.String(),
		"not_after", leaf.NotAfter, "serial", leaf.SerialNumber.Text(16))
}

func (r *certReloader) stat() (pairStamp, error) {
	cert, certErr := os.Stat(r.certFile)
	key, keyErr := os.Stat(r.keyFile)
	return pairStamp{cert: cert, key: key}, errors.Join(certErr, keyErr)
}

// load reads the files into r.cert and records stamp, taken before the
// read, so that a change during the read is loaded on the next check.
func (r *certReloader) load(stamp pairStamp) error {
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("loading %s and %s: %w", r.certFile, r.keyFile, err)
	}
	r.cert, r.loaded = &cert, stamp
	return nil
}
