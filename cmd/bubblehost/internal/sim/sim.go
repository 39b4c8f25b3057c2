// Package sim implements "bubblehost sim": a fake Bubble platform on this
// machine for trying a host without the real platform. It serves the
// platform's HTTP API for one bot through bubbletest.Platform, prints what
// the bot does there, and delivers each line typed on standard input to the
// host's webhook as a signed MESSAGE_CREATE, with the platform's timeout and
// retries.
package sim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	"github.com/bubblehost/bubblehost/host/bubbletest"
)

// Exit statuses, the same as the other bubblehost commands'.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// maxLineBytes caps one line of standard input, and so one message.
const maxLineBytes = 1 << 20

// sim is one run of the command.
type sim struct {
	opts     options
	out      *output
	platform *bubbletest.Platform
	// sender holds the webhook settings that every delivery copies.
	sender bubbletest.WebhookSender

	// ctx ends every delivery in flight when the command stops.
	ctx    context.Context
	cancel context.CancelFunc

	// mu guards stopping, which keeps deliveries from starting once stop
	// waits for the others.
	mu         sync.Mutex
	stopping   bool
	deliveries sync.WaitGroup

	// lastJoinedUserID is the user id that /join gave last.
	lastJoinedUserID int64
}

// Run runs "bubblehost sim" with the arguments after the command name and
// returns the exit status. Lang "zh" prints Chinese and any other value
// English. Run returns when ctx ends or a /quit line is read. At the end of
// stdin the platform keeps running until ctx ends, so the command also
// works in the background with stdin from /dev/null.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lang string) int {
	out := newOutput(stdout, stderr, lang)
	opts, done, code := parseFlags(args, out)
	if done {
		return code
	}

	s := &sim{opts: opts, out: out, lastJoinedUserID: firstJoinedUserID - 1}
	s.ctx, s.cancel = context.WithCancel(ctx)
	if err := s.start(); err != nil {
		out.errorf(msgListenFailed, opts.listen, err)
		return exitFailure
	}
	defer s.stop()

	s.printBanner()
	return s.readLines(ctx, stdin)
}

// start starts the fake platform with the bot, the guild and the channel
// of the flags.
func (s *sim) start() error {
	o := s.opts
	platform, err := bubbletest.StartPlatform(bubbletest.Options{
		Addr:      o.listen,
		Bots:      []bubbletest.Bot{{Token: o.token, ID: o.botID, UserID: o.botUserID, Name: o.botName}},
		Guilds:    []bubbletest.Guild{{ID: o.guild, Name: "sim", OwnerID: o.userID}},
		Channels:  []bubbletest.Channel{{ID: o.channel, GuildID: o.guild, Name: "general"}},
		Members:   []bubbletest.Member{{GuildID: o.guild, User: bubbletest.User{ID: o.userID, Name: o.userName}}},
		OnRequest: s.showRequest,
		OnEvent:   s.echo,
		ErrorLog:  log.New(s.out.stderrWriter(), "bubblehost sim: ", 0),
	})
	if err != nil {
		return err
	}
	s.platform = platform
	s.sender = bubbletest.WebhookSender{
		URL:      o.webhook,
		Secret:   o.secret,
		Timeout:  o.timeout,
		Schedule: o.schedule,
	}
	return nil
}

// stop closes the platform, so that no request adds a delivery, and then
// ends the deliveries in flight and waits for them.
func (s *sim) stop() {
	s.platform.Close()
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	s.cancel()
	s.deliveries.Wait()
}

func (s *sim) printBanner() {
	o := s.opts
	s.out.println(msgBanner, s.platform.APIBase(), o.token, o.botName, o.botID, o.botUserID)
	if o.secret == "" {
		s.out.println(msgBannerUnsigned, o.webhook)
	} else {
		s.out.println(msgBannerSigned, o.webhook)
	}
	s.out.println(msgBannerInput, o.userName, o.userID, o.channel)
}

// readLines handles each line of stdin until /quit, which returns exitOK,
// or until ctx ends. At the end of stdin it waits for ctx.
func (s *sim) readLines(ctx context.Context, stdin io.Reader) int {
	lines := make(chan string)
	readErr := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		scanner := bufio.NewScanner(stdin)
		scanner.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
		for scanner.Scan() {
			select {
			case lines <- scanner.Text():
			case <-done:
				return
			}
		}
		readErr <- scanner.Err()
		close(lines)
	}()

	for {
		select {
		case <-ctx.Done():
			return exitOK
		case line, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					s.out.errorf(msgStdinFailed, err)
				}
				s.out.println(msgStdinClosed)
				lines = nil
				continue
			}
			if quit := s.handleLine(line); quit {
				return exitOK
			}
		}
	}
}

// deliver sends body to the webhook in the background, printing each
// failed attempt and the outcome. Label names the event in those lines.
func (s *sim) deliver(body []byte, label string) {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	s.deliveries.Add(1)
	s.mu.Unlock()

	go func() {
		defer s.deliveries.Done()
		sender := s.sender
		schedule := sender.RetryDelays()
		sender.OnAttempt = func(a bubbletest.Attempt) {
			if a.Err == nil || s.ctx.Err() != nil {
				return
			}
			reason := s.failureReason(a, sender.AttemptTimeout())
			if a.Number <= len(schedule) {
				s.out.println(msgAttemptFailed, label, a.Number, reason, schedule[a.Number-1])
			} else {
				s.out.println(msgAttemptFailedLast, label, a.Number, reason)
			}
		}

		res, err := sender.Deliver(s.ctx, body)
		switch {
		case err == nil:
			last := res.Attempts[len(res.Attempts)-1]
			s.out.println(msgDelivered, label, last.Number, roundDuration(last.Duration))
		case errors.Is(err, bubbletest.ErrNotDelivered):
			s.out.println(msgNotDelivered, label, len(res.Attempts))
		case s.ctx.Err() != nil:
			// The command is stopping and abandons the delivery.
		default:
			s.out.errorf(msgDeliveryFailed, label, err)
		}
	}()
}

// echo delivers an event that the bot's own API request caused, as the
// platform sends the bot's own messages back to it.
func (s *sim) echo(body []byte) {
	if !s.opts.echo {
		return
	}
	eventType, err := bubbletest.EventType(body)
	if err != nil {
		// The platform builds these bodies itself, so this is a bug.
		s.out.errorf(msgDeliveryFailed, "echo", fmt.Errorf("reading an echo event: %w", err))
		return
	}
	s.deliver(body, s.out.text(msgEchoLabel, eventType))
}

// failureReason describes why attempt a failed, in the output's language
// where the failure is a status or a timeout.
func (s *sim) failureReason(a bubbletest.Attempt, timeout time.Duration) string {
	switch {
	case a.Status != 0:
		return s.out.text(msgReasonStatus, a.Status)
	case errors.Is(a.Err, context.DeadlineExceeded):
		return s.out.text(msgReasonTimeout, timeout)
	default:
		return a.Err.Error()
	}
}

// roundDuration rounds d for display: to the microsecond below a
// millisecond, else to the millisecond.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
