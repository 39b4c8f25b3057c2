package host

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// AdminOptions configures the handler that AdminHandler returns.
type AdminOptions struct {
	// Token is the bearer token every request must carry in its
	// Authorization header. When it is empty, every request is rejected
	// with 401, so a missing token never opens the API.
	Token string
	// Reload loads the configuration again and applies it, as a SIGHUP
	// does. POST /v1/reload calls it before it rescans the plugin folders.
	// When nil, POST /v1/reload only rescans the plugin folders.
	Reload func(ctx context.Context) error
	// LogLevel is the level of the logger that the process logs with.
	// GET and PUT /v1/log/level read and set it. When nil, both respond 501.
	LogLevel *slog.LevelVar
}

// Limits of the admin API.
const (
	// adminMaxBodyBytes caps a request body. The largest valid one is a
	// log level of a few bytes.
	adminMaxBodyBytes = 4 << 10
	// adminReloadTimeout bounds a reload that a request starts. Loading
	// plugins compiles them, which can take seconds per module.
	adminReloadTimeout = 2 * time.Minute
)

// logLevelNames are the levels PUT /v1/log/level takes, as the
// configuration key log.level does.
var logLevelNames = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// AdminHandler returns the operator API. Every route needs the header
// "Authorization: Bearer <opts.Token>" and responds with JSON:
//
//	GET  /v1/tenants                                        {"tenants": [TenantStatus...]}
//	GET  /v1/tenants/{tenant}                               TenantStatus
//	POST /v1/reload                                         {"status": "reloaded"}
//	POST /v1/tenants/{tenant}/plugins/{plugin}/pause        PluginStatus
//	POST /v1/tenants/{tenant}/plugins/{plugin}/resume       PluginStatus
//	GET  /v1/log/level                                      {"level": "info"}
//	PUT  /v1/log/level  with body {"level": "debug"}        {"level": "debug"}
//
// A failed request gets {"error": code, "message": text} with one of these
// statuses: 400 invalid_request, 401 unauthorized, 404 not_found,
// unknown_tenant or unknown_plugin, 405 method_not_allowed, 413
// body_too_large, 422 reload_failed, 501 not_configured.
//
// The API has no TLS of its own: serve it on a loopback address or behind
// a proxy that terminates TLS, because the token travels in every request.
func (h *Host) AdminHandler(opts AdminOptions) http.Handler {
	a := &admin{
		host:     h,
		opts:     opts,
		logger:   h.logger.With("component", "admin"),
		warnings: rate.Sometimes{Interval: 10 * time.Second},
	}
	if opts.Token != "" {
		sum := sha256.Sum256([]byte(opts.Token))
		a.tokenHash = sum[:]
	}

	mux := http.NewServeMux()
	a.route(mux, "/v1/tenants", map[string]http.HandlerFunc{http.MethodGet: a.listTenants})
	a.route(mux, "/v1/tenants/{tenant}", map[string]http.HandlerFunc{http.MethodGet: a.getTenant})
	a.route(mux, "/v1/reload", map[string]http.HandlerFunc{http.MethodPost: a.reload})
	a.route(mux, "/v1/tenants/{tenant}/plugins/{plugin}/pause", map[string]http.HandlerFunc{http.MethodPost: a.pause})
	a.route(mux, "/v1/tenants/{tenant}/plugins/{plugin}/resume", map[string]http.HandlerFunc{http.MethodPost: a.resume})
	a.route(mux, "/v1/log/level", map[string]http.HandlerFunc{http.MethodGet: a.getLogLevel, http.MethodPut: a.setLogLevel})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no admin route %s; the routes are under /v1/", r.URL.Path))
	})
	return a.authenticate(mux)
}

// admin is the state behind AdminHandler.
type admin struct {
	host *Host
	opts AdminOptions
	// tokenHash is the SHA-256 of opts.Token, or nil when no token is set.
	// Comparing hashes keeps the comparison constant-time even when the
	// lengths differ.
	tokenHash []byte
	logger    *slog.Logger
	warnings  rate.Sometimes
}

// route registers one path with a handler per method. Requests with
// another method get a JSON 405 with an Allow header, which ServeMux's own
// method patterns would write in plain text.
func (a *admin) route(mux *http.ServeMux, path string, handlers map[string]http.HandlerFunc) {
	var allowed []string
	for method := range handlers {
		allowed = append(allowed, method)
	}
	slices.Sort(allowed)
	allow := strings.Join(allowed, ", ")

	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		handler, ok := handlers[r.Method]
		if !ok {
			w.Header().Set("Allow", allow)
			writeAdminError(w, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("method %s is not allowed on %s; use %s", r.Method, path, allow))
			return
		}
		handler(w, r)
	})
}

// authenticate rejects with 401 any request without the right bearer token.
// Neither the token nor the header it came in is ever logged.
func (a *admin) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.authorized(r.Header.Get("Authorization")) {
			a.warnings.Do(func() {
				a.logger.Warn("rejected admin request without a valid token; further rejections are logged at most every 10s",
					"method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
			})
			w.Header().Set("WWW-Authenticate", `Bearer realm="bubblehost admin"`)
			writeAdminError(w, http.StatusUnauthorized, "unauthorized",
				"missing or invalid token; send the header Authorization: Bearer <admin token>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authorized reports whether header is "Bearer <token>" with the
// configured token. The scheme is case-insensitive, as RFC 6750 allows.
func (a *admin) authorized(header string) bool {
	if a.tokenHash == nil {
		return false
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(sum[:], a.tokenHash) == 1
}

func (a *admin) listTenants(w http.ResponseWriter, r *http.Request) {
	writeAdminJSON(w, http.StatusOK, map[string]any{"tenants": a.host.Status()})
}

func (a *admin) getTenant(w http.ResponseWriter, r *http.Request) {
	status, ok := a.tenantStatus(r.PathValue("tenant"))
	if !ok {
		writeUnknownTenant(w, r.PathValue("tenant"))
		return
	}
	writeAdminJSON(w, http.StatusOK, status)
}

func (a *admin) tenantStatus(id string) (TenantStatus, bool) {
	for _, status := range a.host.Status() {
		if status.ID == id {
			return status, true
		}
	}
	return TenantStatus{}, false
}

// reload applies the configuration again through opts.Reload, then rescans
// every plugin folder. A configuration that fails to load or validate is
// rejected whole, and the running configuration and plugins stay.
func (a *admin) reload(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), adminReloadTimeout)
	defer cancel()

	a.logger.Info("reload requested through the admin API", "remote", r.RemoteAddr)
	if a.opts.Reload != nil {
		if err := a.opts.Reload(ctx); err != nil {
			a.logger.Error("configuration reload rejected; the running configuration stays", "reason", "admin API", "err", err)
			writeAdminError(w, http.StatusUnprocessableEntity, "reload_failed",
				"the configuration was not reloaded and the running one stays: "+err.Error())
			return
		}
	}
	a.host.ReloadPlugins()
	writeAdminJSON(w, http.StatusOK, map[string]string{"status": "reloaded"})
}

func (a *admin) pause(w http.ResponseWriter, r *http.Request) {
	a.setPaused(w, r, true)
}

func (a *admin) resume(w http.ResponseWriter, r *http.Request) {
	a.setPaused(w, r, false)
}

// setPaused pauses or resumes the plugin named in the path and writes its
// status afterwards. The plugin must be loaded, so that a typo in its name
// is reported instead of pausing nothing.
func (a *admin) setPaused(w http.ResponseWriter, r *http.Request, paused bool) {
	tenantID, name := r.PathValue("tenant"), r.PathValue("plugin")
	status, ok := a.tenantStatus(tenantID)
	if !ok {
		writeUnknownTenant(w, tenantID)
		return
	}
	if _, found := findPlugin(status, name); !found {
		writeUnknownPlugin(w, tenantID, name)
		return
	}

	if paused {
		ok = a.host.PausePlugin(tenantID, name)
	} else {
		ok = a.host.ResumePlugin(tenantID, name)
	}

	// A reload can remove the tenant or the plugin between the look-ups.
	status, found := a.tenantStatus(tenantID)
	if !ok || !found {
		writeUnknownTenant(w, tenantID)
		return
	}
	plugin, found := findPlugin(status, name)
	if !found {
		writeUnknownPlugin(w, tenantID, name)
		return
	}
	writeAdminJSON(w, http.StatusOK, plugin)
}

func findPlugin(status TenantStatus, name string) (PluginStatus, bool) {
	for _, p := range status.Plugins {
		if p.Name == name {
			return p, true
		}
	}
	return PluginStatus{}, false
}

// logLevelBody is the body of GET and PUT /v1/log/level.
type logLevelBody struct {
	Level string `json:"level"`
}

func (a *admin) getLogLevel(w http.ResponseWriter, r *http.Request) {
	if a.opts.LogLevel == nil {
		writeLogLevelUnavailable(w)
		return
	}
	writeAdminJSON(w, http.StatusOK, logLevelBody{Level: levelName(a.opts.LogLevel.Level())})
}

func (a *admin) setLogLevel(w http.ResponseWriter, r *http.Request) {
	if a.opts.LogLevel == nil {
		writeLogLevelUnavailable(w)
		return
	}

	var body logLevelBody
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, adminMaxBodyBytes))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&body); err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			writeAdminError(w, http.StatusRequestEntityTooLarge, "body_too_large",
				fmt.Sprintf("body is over the limit of %d bytes", adminMaxBodyBytes))
			return
		}
		writeAdminError(w, http.StatusBadRequest, "invalid_request",
			`invalid body: `+err.Error()+`; expected {"level": "debug"}`)
		return
	}
	level, ok := logLevelNames[strings.ToLower(strings.TrimSpace(body.Level))]
	if !ok {
		writeAdminError(w, http.StatusBadRequest, "invalid_request",
			fmt.Sprintf("invalid level %q; expected debug, info, warn or error", truncateForMessage(body.Level)))
		return
	}

	// The line is logged while the more verbose of the two levels is in
	// force, so it shows when either level shows Info.
	previous := a.opts.LogLevel.Level()
	logChange := func() {
		a.logger.Info("log level changed through the admin API", "from", levelName(previous), "to", levelName(level),
			"remote", r.RemoteAddr)
	}
	if level > previous {
		logChange()
		a.opts.LogLevel.Set(level)
	} else {
		a.opts.LogLevel.Set(level)
		logChange()
	}
	writeAdminJSON(w, http.StatusOK, logLevelBody{Level: levelName(level)})
}

// levelName returns the name PUT /v1/log/level takes for level, or
// slog's own name for a level between the four.
func levelName(level slog.Level) string {
	for name, l := range logLevelNames {
		if l == level {
			return name
		}
	}
	return strings.ToLower(level.String())
}

func writeUnknownTenant(w http.ResponseWriter, id string) {
	writeAdminError(w, http.StatusNotFound, "unknown_tenant",
		fmt.Sprintf("no tenant %q is configured on this host", truncateForMessage(id)))
}

func writeUnknownPlugin(w http.ResponseWriter, tenantID, name string) {
	writeAdminError(w, http.StatusNotFound, "unknown_plugin",
		fmt.Sprintf("tenant %q has no loaded plugin named %q; GET /v1/tenants/%s lists its plugins",
			tenantID, truncateForMessage(name), tenantID))
}

func writeLogLevelUnavailable(w http.ResponseWriter) {
	writeAdminError(w, http.StatusNotImplemented, "not_configured",
		"this process was started without a changeable log level")
}

// truncateForMessage shortens a value from a request before it is echoed
// in an error message.
func truncateForMessage(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// adminError is the body of every failed admin request.
type adminError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeAdminError(w http.ResponseWriter, status int, code, message string) {
	writeAdminJSON(w, status, adminError{Error: code, Message: message})
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// The values written here are plain structs, strings and maps.
		status = http.StatusInternalServerError
		body = []byte(`{"error":"internal","message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
	io.WriteString(w, "\n")
}
