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
		inputIdentitySpecs,
		fetchSpecs,
		fetchPathSpecs,
		headersSpecs,
		requestSpecs,
		responseSpecs,
		fetchedResponseSpecs,
		abortSpecs,
		abortUpstreamSpecs,
		notifySpecs,
		teardownSpecs,
		teardownReuseSpecs,
		heldTwinSpecs,
		isolationSpecs,
		returnedObjectSpecs,
		egressSpecs,
		egressStateSpecs,
		httpsSpecs,
		certificateSpecs,
	}
}
