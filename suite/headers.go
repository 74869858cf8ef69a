package suite

func headersSpecs() []Spec {
	return []Spec{}
}
