package suite

// specTables lists the spec table of every area. A new area file adds its table here.
func specTables() []func() []Spec {
	return []func() []Spec{
		availabilitySpecs,
		configSpecs,
		entrySpecs,
		allowlistSpecs,
		inputIdentitySpecs,
		fetchSpecs,
		fetchPathSpecs,
		headersSpecs,
		requestSpecs,
		responseSpecs,
		abortSpecs,
		notifySpecs,
		teardownSpecs,
		isolationSpecs,
		returnedObjectSpecs,
	}
}
