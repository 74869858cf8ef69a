package suite

func responseSpecs() []Spec {
	return []Spec{}
}
