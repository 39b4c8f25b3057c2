package sdk

import (
	"fmt"
	"slices"

	"github.com/bubblehost/bubblehost/abi"
)

// registration is one handler and the event type it was registered for,
// abi.AllEvents for OnAll.
type registration struct {
	eventType string
	handle    func(*Context) error
}

// plugin is the module's manifest data and handlers. A module is one
// plugin, so the state is package-wide. Init functions fill it, and only
// sdktest.Reset changes it afterwards.
var plugin struct {
	name, version string
	handlers      []registration
}

// Plugin sets the name and version the module reports to the host. Call it
// once, from an init function. The name identifies the plugin within a
// tenant: 1 to 64 bytes of lower-case letters, digits, '-' and '_'. An
// invalid or missing name makes the module fail at load time with a message
// that names it.
func Plugin(name, version string) {
	plugin.name = name
	plugin.version = version
}

// On registers h for events of eventType, which may be a type this SDK has
// no constant for, or abi.AllEvents ("*") for every type. h receives the raw
// event. Handlers run in the order they were registered. On panics if
// eventType is empty or h is nil.
func On(eventType string, h func(*Context, *Event) error) {
	if h == nil {
		panic("sdk: On called with a nil handler for " + eventType)
	}
	register(eventType, func(c *Context) error {
		return h(c, &c.event)
	})
}

// OnAll registers h for every event, including types added to the platform
// later. The manifest then lists "*" alone.
func OnAll(h func(*Context, *Event) error) {
	On(abi.AllEvents, h)
}

// OnMessageCreate registers h for MESSAGE_CREATE events.
func OnMessageCreate(h func(*Context, *MessageCreate) error) {
	onTyped(EventMessageCreate, h)
}

// OnMessageUpdate registers h for MESSAGE_UPDATE events.
func OnMessageUpdate(h func(*Context, *MessageUpdate) error) {
	onTyped(EventMessageUpdate, h)
}

// OnMessageDelete registers h for MESSAGE_DELETE events.
func OnMessageDelete(h func(*Context, *MessageDelete) error) {
	onTyped(EventMessageDelete, h)
}

// OnDMMessageCreate registers h for DM_MESSAGE_CREATE events.
func OnDMMessageCreate(h func(*Context, *DMMessageCreate) error) {
	onTyped(EventDMMessageCreate, h)
}

// OnDMMessageUpdate registers h for DM_MESSAGE_UPDATE events.
func OnDMMessageUpdate(h func(*Context, *DMMessageUpdate) error) {
	onTyped(EventDMMessageUpdate, h)
}

// OnDMMessageDelete registers h for DM_MESSAGE_DELETE events.
func OnDMMessageDelete(h func(*Context, *DMMessageDelete) error) {
	onTyped(EventDMMessageDelete, h)
}

// OnGuildMemberAdd registers h for GUILD_MEMBER_ADD events.
func OnGuildMemberAdd(h func(*Context, *GuildMemberAdd) error) {
	onTyped(EventGuildMemberAdd, h)
}

// OnGuildMemberUpdate registers h for GUILD_MEMBER_UPDATE events.
func OnGuildMemberUpdate(h func(*Context, *GuildMemberUpdate) error) {
	onTyped(EventGuildMemberUpdate, h)
}

// OnGuildMemberRemove registers h for GUILD_MEMBER_REMOVE events.
func OnGuildMemberRemove(h func(*Context, *GuildMemberRemove) error) {
	onTyped(EventGuildMemberRemove, h)
}

// OnChannelCreate registers h for CHANNEL_CREATE events.
func OnChannelCreate(h func(*Context, *ChannelCreate) error) {
	onTyped(EventChannelCreate, h)
}

// OnChannelUpdate registers h for CHANNEL_UPDATE events.
func OnChannelUpdate(h func(*Context, *ChannelUpdate) error) {
	onTyped(EventChannelUpdate, h)
}

// OnChannelDelete registers h for CHANNEL_DELETE events.
func OnChannelDelete(h func(*Context, *ChannelDelete) error) {
	onTyped(EventChannelDelete, h)
}

// OnGuildCreate registers h for GUILD_CREATE events.
func OnGuildCreate(h func(*Context, *GuildCreate) error) {
	onTyped(EventGuildCreate, h)
}

// OnGuildUpdate registers h for GUILD_UPDATE events.
func OnGuildUpdate(h func(*Context, *GuildUpdate) error) {
	onTyped(EventGuildUpdate, h)
}

// OnGuildDelete registers h for GUILD_DELETE events.
func OnGuildDelete(h func(*Context, *GuildDelete) error) {
	onTyped(EventGuildDelete, h)
}

// OnGuildRoleCreate registers h for GUILD_ROLE_CREATE events.
func OnGuildRoleCreate(h func(*Context, *GuildRoleCreate) error) {
	onTyped(EventGuildRoleCreate, h)
}

// OnGuildRoleUpdate registers h for GUILD_ROLE_UPDATE events.
func OnGuildRoleUpdate(h func(*Context, *GuildRoleUpdate) error) {
	onTyped(EventGuildRoleUpdate, h)
}

// OnGuildRoleDelete registers h for GUILD_ROLE_DELETE events.
func OnGuildRoleDelete(h func(*Context, *GuildRoleDelete) error) {
	onTyped(EventGuildRoleDelete, h)
}

// OnBotReady registers h for BOT_READY events, which only the platform's
// gateway sends.
func OnBotReady(h func(*Context, *BotReady) error) {
	onTyped(EventBotReady, h)
}

// onTyped registers h for eventType, decoding the event's data into a new T
// for each call. Data that does not decode fails the call without running h.
func onTyped[T any, P interface {
	*T
	valueDecoder
}](eventType string, h func(*Context, P) error) {
	if h == nil {
		panic("sdk: nil handler registered for " + eventType)
	}
	register(eventType, func(c *Context) error {
		if c.event.Data == nil {
			return fmt.Errorf("sdk: %s event has no data member", eventType)
		}
		data := P(new(T))
		if err := decodeValue(c.event.Data, data); err != nil {
			return fmt.Errorf("sdk: decoding %s event data: %w", eventType, err)
		}
		return h(c, data)
	})
}

func register(eventType string, handle func(*Context) error) {
	if eventType == "" {
		panic("sdk: handler registered for an empty event type")
	}
	plugin.handlers = append(plugin.handlers, registration{eventType, handle})
}

// manifest returns the module's manifest: the name and version from Plugin
// and the sorted, distinct event types of the registered handlers, or "*"
// alone when a handler takes every event.
func manifest() (abi.Manifest, error) {
	if err := validateName(plugin.name); err != nil {
		return abi.Manifest{}, err
	}

	events := make([]string, 0, len(plugin.handlers))
	for _, r := range plugin.handlers {
		if r.eventType == abi.AllEvents {
			events = []string{abi.AllEvents}
			break
		}
		events = append(events, r.eventType)
	}
	slices.Sort(events)
	events = slices.Compact(events)

	return abi.Manifest{Name: plugin.name, Version: plugin.version, Events: events}, nil
}

// maxNameLen is the longest plugin name the host accepts, in bytes.
const maxNameLen = 64

// validateName applies the rule that abi.Manifest documents for Name, so a
// plugin's own tests catch a name the host would reject at load time.
func validateName(name string) error {
	if name == "" {
		return fmt.Errorf(`sdk: plugin name is empty: call sdk.Plugin("name", "version") from an init function`)
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("sdk: plugin name %q is %d bytes long, the maximum is %d", name, len(name), maxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("sdk: invalid plugin name %q: use only lower-case letters, digits, '-' and '_'", name)
		}
	}
	return nil
}

// reset removes the name, version and every handler, so that tests can
// register handlers of their own.
func reset() {
	plugin.name = ""
	plugin.version = ""
	plugin.handlers = nil
}
