package cli

import (
	"context"

	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/i18n"
	"github.com/bubblehost/bubblehost/cmd/bubblehost/internal/sim"
)

// sim runs the fake Bubble platform until stdin says /quit or ctx ends.
func (c *cli) sim(ctx context.Context, args []string) int {
	lang := "en"
	if c.p.Lang == i18n.Chinese {
		lang = "zh"
	}
	return sim.Run(ctx, args, c.env.Stdin, c.env.Stdout, c.env.Stderr, lang)
}
