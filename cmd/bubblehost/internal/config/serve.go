package config

import (
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/host"
)

// EnvAdminToken is the variable that the admin clients (status, plugins,
// reload) read their token from. It starts with EnvPrefix but is not a
// configuration key, so Load skips it. The host's own token is the key
// admin.token, which the environment sets as BUBBLEHOST_ADMIN__TOKEN.
const EnvAdminToken = "BUBBLEHOST_ADMIN_TOKEN"

// MinAdminTokenLength is the shortest admin token accepted, in bytes.
// "openssl rand -hex 32" makes a token of 64 characters.
const MinAdminTokenLength = 16

// Valid keys of the sections that configure the command rather than the
// host, in the order the help lists them.
var (
	adminKeys = []string{"listen", "token", "token_file"}
	tlsKeys   = []string{"cert_file", "key_file", "acme"}
	acmeKeys  = []string{"domains", "email", "cache_dir", "http_listen", "directory_url"}
)

// Settings is everything serve reads from the configuration: the host's
// configuration and the sections that configure the command around it.
type Settings struct {
	Host  host.Config
	Log   LogConfig
	Admin AdminConfig
	TLS   TLSConfig
}

// AdminConfig is the admin section, which starts the operator API (see
// host.AdminHandler) on a listener of its own.
type AdminConfig struct {
	// Listen is the address of the admin API, such as 127.0.0.1:8081.
	// Empty, the default, leaves the API off. The API speaks plain HTTP,
	// so an address other than loopback exposes the token to the network.
	Listen string
	// Token is the bearer token of every admin request, from admin.token
	// or admin.token_file. It is required when Listen is set.
	Token string
}

// TLSConfig is the tls section, which serves the webhook listener over
// HTTPS. Either CertFile and KeyFile are set, or ACME, or nothing (plain
// HTTP, the default).
type TLSConfig struct {
	// CertFile and KeyFile are PEM files. They are read again when they
	// change, so a renewed certificate needs no restart.
	CertFile string
	KeyFile  string
	// ACME gets certificates from an ACME certificate authority, such as
	// Let's Encrypt, when not nil.
	ACME *ACMEConfig
}

// Enabled reports whether the webhook listener serves HTTPS.
func (c TLSConfig) Enabled() bool {
	return c.CertFile != "" || c.ACME != nil
}

// ACMEConfig is the tls.acme section.
type ACMEConfig struct {
	// Domains are the host names to get certificates for. The certificate
	// authority connects to them to verify the host controls them.
	Domains []string
	// Email is the contact address given to the certificate authority.
	// Optional.
	Email string
	// CacheDir keeps the account key and the certificates across
	// restarts. Default: <data_dir>/acme.
	CacheDir string
	// HTTPListen, when set, is the address, normally :80, where the
	// HTTP-01 challenge is served. When empty, only the TLS-ALPN-01
	// challenge is used, which needs the webhook listener on port 443.
	HTTPListen string
	// DirectoryURL is the certificate authority's ACME directory. Empty
	// selects Let's Encrypt's production directory.
	DirectoryURL string
}

// LoadSettings reads the configuration as Load does and returns every
// section of it. The error, when not nil, is an Errors value with every
// problem found.
func LoadSettings(path string, environ []string, flags *pflag.FlagSet) (Settings, error) {
	return load(path, environ, flags)
}

func (l *loader) decodeAdmin(key string, value any) AdminConfig {
	var admin AdminConfig
	entries, ok := l.mapping(key, value)
	if !ok {
		return admin
	}

	var tokenFile string
	tokenSet := false
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		entryKey := joinKey(key, name)
		value := entries[name]
		switch name {
		case "listen":
			admin.Listen, _ = l.address(entryKey, value)
		case "token":
			if token, ok := l.nonEmpty(entryKey, value); ok {
				admin.Token = strings.TrimSpace(token)
				tokenSet = true
			}
		case "token_file":
			tokenFile, _ = l.path(entryKey, value)
		default:
			l.unknownKey(entryKey, adminKeys)
		}
	}

	tokenKey, tokenFileKey := joinKey(key, "token"), joinKey(key, "token_file")
	if tokenFile != "" {
		if tokenSet {
			l.fail(tokenFileKey, i18n.CfgConflict, tokenKey)
		} else if token, ok := l.readTokenFile(tokenFileKey, tokenFile, i18n.CfgFileEmptyAdminToken); ok {
			admin.Token = token
			tokenKey = tokenFileKey
		}
	}
	switch {
	case admin.Listen != "" && admin.Token == "" && !l.failed(tokenKey) && !l.failed(tokenFileKey):
		l.fail(tokenKey, i18n.CfgAdminNoToken, joinKey(key, "listen"))
	case admin.Token != "" && len(admin.Token) < MinAdminTokenLength:
		l.fail(tokenKey, i18n.CfgAdminTokenShort, len(admin.Token), MinAdminTokenLength)
	}
	return admin
}

func (l *loader) decodeTLS(key string, value any) TLSConfig {
	var config TLSConfig
	entries, ok := l.mapping(key, value)
	if !ok {
		return config
	}

	for _, name := range slices.Sorted(maps.Keys(entries)) {
		entryKey := joinKey(key, name)
		value := entries[name]
		switch name {
		case "cert_file":
			config.CertFile, _ = l.path(entryKey, value)
		case "key_file":
			config.KeyFile, _ = l.path(entryKey, value)
		case "acme":
			config.ACME = l.decodeACME(entryKey, value)
		default:
			l.unknownKey(entryKey, tlsKeys)
		}
	}

	certKey, keyKey, acmeKey := joinKey(key, "cert_file"), joinKey(key, "key_file"), joinKey(key, "acme")
	switch {
	case config.ACME != nil && (config.CertFile != "" || config.KeyFile != ""):
		l.fail(acmeKey, i18n.CfgConflict, certKey+", "+keyKey)
	case config.CertFile != "" && config.KeyFile == "" && !l.failed(keyKey):
		l.fail(keyKey, i18n.CfgMissingPair, certKey)
	case config.KeyFile != "" && config.CertFile == "" && !l.failed(certKey):
		l.fail(certKey, i18n.CfgMissingPair, keyKey)
	case config.CertFile != "" && config.KeyFile != "":
		// Loaded here so that a wrong file stops the start with the key
		// named. serve loads the files again when they change.
		if _, err := tls.LoadX509KeyPair(config.CertFile, config.KeyFile); err != nil {
			l.fail(certKey, i18n.CfgBadKeyPair, keyKey, err)
		}
	}
	return config
}

// domainPattern is a lower-case DNS host name with at least two labels.
// Certificate authorities issue no certificate for a bare label, and
// neither ACME challenge that autocert uses can prove a wildcard. An IP
// address also matches, so it is rejected separately.
var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (l *loader) decodeACME(key string, value any) *ACMEConfig {
	acme := &ACMEConfig{}
	entries, ok := l.mapping(key, value)
	if !ok {
		return acme
	}

	domainsKey := joinKey(key, "domains")
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		entryKey := joinKey(key, name)
		value := entries[name]
		switch name {
		case "domains":
			domains, _ := l.stringList(entryKey, value)
			for i, domain := range domains {
				domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
				if len(domain) > 253 || !domainPattern.MatchString(domain) || net.ParseIP(domain) != nil {
					l.fail(fmt.Sprintf("%s[%d]", entryKey, i), i18n.CfgBadDomain, shownValue{domains[i]})
					continue
				}
				acme.Domains = append(acme.Domains, domain)
			}
		case "email":
			if email, ok := l.nonEmpty(entryKey, value); ok {
				local, domain, found := strings.Cut(strings.TrimSpace(email), "@")
				if !found || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(email, " ,;<>") {
					l.fail(entryKey, i18n.CfgBadEmail, shownValue{email})
				} else {
					acme.Email = strings.TrimSpace(email)
				}
			}
		case "cache_dir":
			acme.CacheDir, _ = l.path(entryKey, value)
		case "http_listen":
			acme.HTTPListen, _ = l.address(entryKey, value)
		case "directory_url":
			acme.DirectoryURL, _ = l.url(entryKey, value)
		default:
			l.unknownKey(entryKey, acmeKeys)
		}
	}

	if len(acme.Domains) == 0 && !l.failedUnder(domainsKey) {
		l.fail(domainsKey, i18n.CfgNoDomains)
	}
	return acme
}

// failed reports whether a problem with key was recorded.
func (l *loader) failed(key string) bool {
	return slices.ContainsFunc(l.errs, func(e *Error) bool { return e.Key == key })
}

// failedUnder reports whether a problem with key or an entry of its list
// was recorded.
func (l *loader) failedUnder(key string) bool {
	return slices.ContainsFunc(l.errs, func(e *Error) bool { return e.Key == key || strings.HasPrefix(e.Key, key+"[") })
}

// finishACME sets the default cache folder of the ACME section, which
// depends on data_dir.
func finishACME(settings *Settings) {
	if acme := settings.TLS.ACME; acme != nil && acme.CacheDir == "" {
		acme.CacheDir = filepath.Join(settings.Host.DataDir, "acme")
	}
}
