package watch

// CheckModule exposes the completeness check to the external tests.
var CheckModule = checkModule
