package suite

// specTables lists the spec table of every area. A new area file adds its table here.
func specTables() []func() []Spec {
	return []func() []Spec{
		availabilitySpecs,
		narrowGrantSpecs,
		availURLSpecs,
		configSpecs,
		entrySpecs,
		allowlistSpecs,
		allowUpstreamSpecs,
		inputFormSpecs,
		trickSpecs,
		inputIdentitySpecs,
		fetchSpecs,
		fetchPathSpecs,
		fetchBodySpecs,
		headersSpecs,
		headersInitSpecs,
		requestSpecs,
		requestEdgeSpecs,
		responseSpecs,
		responseEdgeSpecs,
		fetchedResponseSpecs,
		abortSpecs,
		abortUpstreamSpecs,
		abortWebIDLSpecs,
		notifySpecs,
		teardownSpecs,
		teardownReuseSpecs,
		teardownAfterSpecs,
		heldTwinSpecs,
		isolationSpecs,
		returnedObjectSpecs,
	}
}
