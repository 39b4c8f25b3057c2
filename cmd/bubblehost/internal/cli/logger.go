package cli

import (
	"io"
	"log/slog"
	"time"

	"github.com/lmittmann/tint"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/config"
)

// newLogger returns the logger for serve and demo. The auto format writes
// coloured text with short times when standard error is a terminal, and
// JSON lines otherwise, for a log collector. NO_COLOR (https://no-color.org)
// turns the colours off.
func (c *cli) newLogger(logConfig config.LogConfig) *slog.Logger {
	logger, _ := c.newLevelLogger(logConfig)
	return logger
}

// newLevelLogger returns the logger that newLogger returns and the
// variable that holds its level, so that the level can change at run time.
func (c *cli) newLevelLogger(logConfig config.LogConfig) (*slog.Logger, *slog.LevelVar) {
	return newLogger(c.env.Stderr, logConfig, c.env.StderrTerminal, c.env.Getenv("NO_COLOR") != "")
}

func newLogger(w io.Writer, logConfig config.LogConfig, terminal, noColor bool) (*slog.Logger, *slog.LevelVar) {
	level := new(slog.LevelVar)
	level.Set(logConfig.Level)

	format := logConfig.Format
	if format == config.LogFormatAuto {
		format = config.LogFormatJSON
		if terminal {
			format = config.LogFormatText
		}
	}

	if format == config.LogFormatText {
		return slog.New(tint.NewTextHandler(w, &tint.Options{
			Level:      level,
			TimeFormat: time.TimeOnly,
			NoColor:    !terminal || noColor,
		})), level
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: readableDuration})), level
}

// readableDuration writes durations as Go duration strings ("1.5s") rather
// than slog's default count of nanoseconds, which a reader has to convert.
func readableDuration(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
