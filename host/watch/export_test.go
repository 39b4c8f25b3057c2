package watch

// CheckModule exposes the completeness check to the external tests.
var CheckModule = checkModule

// InjectError hands err to w as if the operating system's watcher had
// reported it, as it does with fsnotify.ErrEventOverflow after lost events.
func InjectError(w *Watcher, err error) {
	w.fsw.Errors <- err
}
