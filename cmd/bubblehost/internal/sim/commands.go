package sim

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// maxEventFileBytes caps the body that /event reads from a file.
const maxEventFileBytes = 1 << 20

// handleLine carries out one line of input: a message from the simulated
// user, or a command when it starts with "/". It returns true for /quit.
func (s *sim) handleLine(line string) (quit bool) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		return false
	}
	// "//" sends a message that starts with "/".
	if strings.HasPrefix(line, "//") {
		s.sendMessage(line[1:])
		return false
	}
	if !strings.HasPrefix(line, "/") {
		s.sendMessage(line)
		return false
	}

	name, arg, _ := strings.Cut(line[1:], " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case "dm":
		s.sendDM(arg)
	case "join":
		s.join(arg)
	case "event":
		s.sendFile(arg)
	case "fault":
		s.setFault(arg)
	case "help":
		s.out.println(msgHelp)
	case "quit":
		return true
	default:
		s.out.errorf(msgUnknownCommand, "/"+name)
	}
	return false
}

// sendMessage stores content as the simulated user's message in the
// channel and delivers its MESSAGE_CREATE.
func (s *sim) sendMessage(content string) {
	m, err := s.platform.AddMessage(bubbletest.Message{
		ChannelID: s.opts.channel,
		Content:   content,
		Author:    bubbletest.User{ID: s.opts.userID, Name: s.opts.userName},
	})
	if err != nil {
		s.out.errorf(msgStoreFailed, err)
		return
	}
	s.deliver(bubbletest.MessageEvent(bubbletest.EventMessageCreate, m), bubbletest.EventMessageCreate)
}

// sendDM stores text as the simulated user's direct message to the bot and
// delivers its DM_MESSAGE_CREATE.
func (s *sim) sendDM(text string) {
	if text == "" {
		s.out.errorf(msgUsageDM)
		return
	}
	channel, err := s.platform.OpenDM(s.opts.botID, s.opts.userID)
	if err != nil {
		s.out.errorf(msgStoreFailed, err)
		return
	}
	m, err := s.platform.AddMessage(bubbletest.Message{
		ChannelID: channel.ID,
		Content:   text,
		Author:    bubbletest.User{ID: s.opts.userID, Name: s.opts.userName},
	})
	if err != nil {
		s.out.errorf(msgStoreFailed, err)
		return
	}
	s.deliver(bubbletest.MessageEvent(bubbletest.EventDMMessageCreate, m), bubbletest.EventDMMessageCreate)
}

// join adds a new user named name to the guild and delivers its
// GUILD_MEMBER_ADD.
func (s *sim) join(name string) {
	if name == "" {
		s.out.errorf(msgUsageJoin)
		return
	}
	s.lastJoinedUserID++
	member := bubbletest.Member{
		GuildID:  s.opts.guild,
		User:     bubbletest.User{ID: s.lastJoinedUserID, Name: name},
		JoinedAt: time.Now().UTC().Truncate(time.Second),
	}
	s.platform.AddMember(member)
	s.out.println(msgJoined, name, member.User.ID, member.GuildID)
	s.deliver(bubbletest.GuildMemberAdd(member), bubbletest.EventGuildMemberAdd)
}

// sendFile delivers the body in a file as it is.
func (s *sim) sendFile(path string) {
	if path == "" {
		s.out.errorf(msgUsageEvent)
		return
	}
	body, err := readEventFile(path)
	if err != nil {
		s.out.errorf(msgReadEventFailed, path, err)
		return
	}
	eventType, err := bubbletest.EventType(body)
	if err != nil {
		s.out.errorf(msgReadEventFailed, path, err)
		return
	}
	s.deliver(body, eventType)
}

// readEventFile returns the contents of the file at path, up to
// maxEventFileBytes.
func readEventFile(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, maxEventFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxEventFileBytes {
		return nil, fmt.Errorf("file is over %d bytes", maxEventFileBytes)
	}
	return body, nil
}

// setFault changes one fault of the platform: "500 N", "429 N", "slow DUR",
// "drop N" or "off". The others stay as they are.
func (s *sim) setFault(arg string) {
	fields := strings.Fields(arg)
	if len(fields) == 1 && fields[0] == "off" {
		s.platform.SetFault(bubbletest.Fault{})
		s.out.println(msgFaultOff)
		return
	}
	if len(fields) != 2 {
		s.out.errorf(msgUsageFault)
		return
	}

	kind, value := fields[0], fields[1]
	if kind == "slow" {
		delay, err := time.ParseDuration(value)
		if err != nil || delay < 0 {
			s.out.errorf(msgUsageFault)
			return
		}
		s.platform.UpdateFault(func(f *bubbletest.Fault) { f.Delay = delay })
		s.out.println(msgFaultSlow, delay)
		return
	}

	count, err := strconv.Atoi(value)
	if err != nil || count < 0 {
		s.out.errorf(msgUsageFault)
		return
	}
	switch kind {
	case "500":
		s.platform.UpdateFault(func(f *bubbletest.Fault) { f.InternalErrors = count })
		s.out.println(msgFault500, count)
	case "429":
		s.platform.UpdateFault(func(f *bubbletest.Fault) { f.RateLimitErrors = count })
		s.out.println(msgFault429, count)
	case "drop":
		s.platform.UpdateFault(func(f *bubbletest.Fault) { f.DroppedConnections = count })
		s.out.println(msgFaultDrop, count)
	default:
		s.out.errorf(msgUsageFault)
	}
}
