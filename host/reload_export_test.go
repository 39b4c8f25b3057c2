package host

// CompiledModules returns how many distinct modules the host's plugin
// runtime holds compiled, for tests that check that tenants share a module
// and that reloads release the versions they replace.
func (h *Host) CompiledModules() int { return h.engine.CompiledModules() }
