package host

import "context"

// watchPlugins follows the tenant's plugin folder until ctx ends.
func (t *tenant) watchPlugins(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	t.plugins.mu.Lock()
	t.plugins.stop = cancel
	t.plugins.mu.Unlock()
	_ = ctx
}

func (t *tenant) restartWatch() {}

func (t *tenant) stopWatch() {
	t.plugins.mu.Lock()
	stop := t.plugins.stop
	t.plugins.mu.Unlock()
	if stop != nil {
		stop()
	}
}
