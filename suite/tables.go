package suite

// specTables lists the spec table of every area. A new area file adds its table here.
func specTables() []func() []Spec {
	return []func() []Spec{
		availabilitySpecs,
		narrowGrantSpecs,
		configSpecs,
		entrySpecs,
		allowlistSpecs,
		allowUpstreamSpecs,
		inputFormSpecs,
		trickSpecs,
		allowFuzzedSpecs,
		inputIdentitySpecs,
		fetchSpecs,
		fetchPathSpecs,
		fetchFuzzedSpecs,
		headersSpecs,
		headersFuzzedSpecs,
		requestSpecs,
		requestFuzzedSpecs,
		responseSpecs,
		fetchedResponseSpecs,
		responseFuzzedSpecs,
		abortSpecs,
		abortUpstreamSpecs,
		notifySpecs,
		teardownSpecs,
		teardownReuseSpecs,
		heldTwinSpecs,
		isolationSpecs,
		returnedObjectSpecs,
	}
}
