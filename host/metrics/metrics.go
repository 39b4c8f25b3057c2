// Package metrics defines the host's Prometheus metrics. Labels are bounded:
// tenant and plugin come from the operator's configuration, event types
// outside the platform's known list are counted as "other", and no label
// carries a user id or message content.
package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds every collector of one host. Each host has its own registry
// so that several hosts can run in one process, as tests do.
type Metrics struct {
	Registry *prometheus.Registry

	// EventsReceived counts webhook requests by tenant, event type and
	// outcome (accepted, duplicate, rejected, unavailable).
	EventsReceived *prometheus.CounterVec
	// VerifyFailures counts rejected signatures by tenant and reason.
	VerifyFailures *prometheus.CounterVec
	// SignatureMatches counts accepted signatures by tenant and the form of
	// the body they were computed over (raw, stringify).
	SignatureMatches *prometheus.CounterVec
	// EventsProcessed counts events taken off the queue by tenant, type and
	// outcome (routed, unrouted, own).
	EventsProcessed *prometheus.CounterVec
	// PluginCalls counts plugin calls by tenant, plugin and outcome.
	PluginCalls *prometheus.CounterVec
	// PluginLimits counts calls that ran into a limit they survive: output
	// past log_bytes dropped, actions past actions_per_event refused.
	PluginLimits *prometheus.CounterVec
	// PluginPauses counts the times a plugin was paused by its circuit
	// breaker after repeated failures.
	PluginPauses *prometheus.CounterVec
	// PluginCallSeconds observes plugin call durations.
	PluginCallSeconds *prometheus.HistogramVec
	// queueDepth reports the number of events waiting per tenant, read
	// from the queue at each scrape; see SetQueueDepth.
	queueDepth *queueDepthCollector
	// APIRetries counts API requests sent again after a 429, a 5xx answer
	// or a network error, by tenant and endpoint.
	APIRetries *prometheus.CounterVec
	// PluginLoads counts plugin loads by tenant and outcome (ok, error).
	// Every hot reload of a module is a load.
	PluginLoads *prometheus.CounterVec
	// ConfigReloads counts configuration reloads by outcome (ok, error).
	ConfigReloads *prometheus.CounterVec
	// Actions counts actions asked for by tenant, action and outcome.
	Actions *prometheus.CounterVec
	// APIRequests counts HTTP API requests by tenant, endpoint and status.
	APIRequests *prometheus.CounterVec
}

// New registers every collector in a fresh registry, along with the Go and
// process collectors.
func New() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "bubblehost", Name: name, Help: help}, labels)
		r.MustRegister(c)
		return c
	}
	m := &Metrics{Registry: r}
	m.EventsReceived = counter("events_received_total", "Webhook requests by tenant, event type and outcome.", "tenant", "type", "outcome")
	m.VerifyFailures = counter("signature_failures_total", "Rejected webhook signatures by tenant and reason.", "tenant", "reason")
	m.SignatureMatches = counter("signature_matches_total", "Accepted webhook signatures by tenant and the body form they matched.", "tenant", "form")
	m.EventsProcessed = counter("events_processed_total", "Events taken off the queue by tenant, type and outcome.", "tenant", "type", "outcome")
	m.PluginCalls = counter("plugin_calls_total", "Plugin calls by tenant, plugin and outcome.", "tenant", "plugin", "outcome")
	m.PluginLimits = counter("plugin_limit_hits_total", "Plugin calls that ran into a limit and went on, by tenant, plugin and limit.", "tenant", "plugin", "limit")
	m.PluginPauses = counter("plugin_pauses_total", "Plugins paused after repeated failures, by tenant and plugin.", "tenant", "plugin")
	m.PluginLoads = counter("plugin_loads_total", "Plugin module loads by tenant and outcome.", "tenant", "outcome")
	m.ConfigReloads = counter("config_reloads_total", "Configuration reloads by outcome.", "outcome")
	m.Actions = counter("actions_total", "Actions asked for by plugins, by tenant, action and outcome.", "tenant", "action", "outcome")
	m.APIRequests = counter("api_requests_total", "Bubble HTTP API requests by tenant, endpoint and status.", "tenant", "endpoint", "status")

	m.PluginCallSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "bubblehost",
		Name:      "plugin_call_duration_seconds",
		Help:      "Plugin call durations by tenant and plugin.",
		Buckets:   []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"tenant", "plugin"})
	r.MustRegister(m.PluginCallSeconds)

	m.APIRetries = counter("api_retries_total", "Bubble HTTP API requests sent again after a failure, by tenant and endpoint.", "tenant", "endpoint")
	m.queueDepth = &queueDepthCollector{desc: prometheus.NewDesc("bubblehost_queue_depth",
		"Events waiting in the queue per tenant.", []string{"tenant"}, nil)}
	r.MustRegister(m.queueDepth)
	return m
}

// knownTypes are the platform's event types; others are labeled "other".
var knownTypes = map[string]bool{
	"MESSAGE_CREATE": true, "MESSAGE_UPDATE": true, "MESSAGE_DELETE": true,
	"DM_MESSAGE_CREATE": true, "DM_MESSAGE_UPDATE": true, "DM_MESSAGE_DELETE": true,
	"GUILD_MEMBER_ADD": true, "GUILD_MEMBER_UPDATE": true, "GUILD_MEMBER_REMOVE": true,
	"CHANNEL_CREATE": true, "CHANNEL_UPDATE": true, "CHANNEL_DELETE": true,
	"GUILD_CREATE": true, "GUILD_UPDATE": true, "GUILD_DELETE": true,
	"GUILD_ROLE_CREATE": true, "GUILD_ROLE_UPDATE": true, "GUILD_ROLE_DELETE": true,
	"BOT_READY": true,
}

// TypeLabel returns typ if it is one of the platform's known event types,
// else "other", so that a sender cannot grow the label set.
func TypeLabel(typ string) string {
	if knownTypes[typ] {
		return typ
	}
	if typ == "" {
		return "none"
	}
	return "other"
}

// SetQueueDepth sets the function that lists each tenant's queued events
// when /metrics is scraped, so the gauge is never stale.
func (m *Metrics) SetQueueDepth(depths func() map[string]int) {
	m.queueDepth.mu.Lock()
	defer m.queueDepth.mu.Unlock()
	m.queueDepth.depths = depths
}

type queueDepthCollector struct {
	desc   *prometheus.Desc
	mu     sync.Mutex
	depths func() map[string]int
}

func (c *queueDepthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *queueDepthCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	depths := c.depths
	c.mu.Unlock()
	if depths == nil {
		return
	}
	for tenant, n := range depths() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), tenant)
	}
}
